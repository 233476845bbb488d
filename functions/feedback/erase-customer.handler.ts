import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { feedbackRepository, SERVICE } from './feedback.context';

feedbackRepository();

export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await feedbackRepository().eraseCustomer(requestId, customerId, now().toISOString());
});
