import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { journeyRepository, SERVICE } from './journey.context';

journeyRepository();

export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await journeyRepository().eraseCustomer(requestId, customerId, now().toISOString());
});
