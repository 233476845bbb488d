import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { referralsRepository, SERVICE } from './referrals.context';

referralsRepository();

export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await referralsRepository().eraseCustomer(requestId, customerId, now().toISOString());
});
