import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { SERVICE, webhooksOut } from './webhooks-out.context';

webhooksOut();

/** Deletes the payloads held about the customer and takes their id off the delivery log. */
export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await webhooksOut().store.eraseCustomer(requestId, customerId, now().toISOString());
});
