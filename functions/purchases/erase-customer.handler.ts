import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { erasePurchasesData } from './domain/queries';
import { purchasesRepository, SERVICE } from './purchases.context';

purchasesRepository();

/** Erases emails (also inside stored events) and refund reasons of every purchase of the customer, then confirms. */
export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerErasureRequested] }, async (event) => {
  const { requestId, customerId } = event.detail.data;
  await erasePurchasesData(purchasesRepository(), { requestId, customerId }, now().toISOString());
});
