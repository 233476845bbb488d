import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { purchaseView } from './domain/purchase';
import { storePurchase } from './domain/queries';
import { callingStoreId, purchasesRepository, SERVICE } from './purchases.context';
import { getPurchase as route } from './purchases.routes';

purchasesRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ principal, params }) => {
  const found = await storePurchase(purchasesRepository(), callingStoreId(principal), params.orderId);
  if (!found) throw Problems.notFound(`This store has no purchase with orderId ${params.orderId}`);
  return { status: 200, body: purchaseView(found.purchase, found.refunds) };
});
