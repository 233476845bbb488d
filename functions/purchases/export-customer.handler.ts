import { privacyExporter } from '../../shared/privacy/exporter';
import { purchaseView } from './domain/purchase';
import { exportPurchasesData } from './domain/queries';
import { purchasesRepository, SERVICE } from './purchases.context';

purchasesRepository();

/** The purchases part of a customer's data export: every purchase in every store, with its refunds. */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const orders = await exportPurchasesData(purchasesRepository(), customerId);
  return { purchases: orders.map((order) => purchaseView(order.purchase, order.refunds)) };
});
