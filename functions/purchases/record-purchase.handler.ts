import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { Problems } from '../../shared/http/problem';
import { purchaseView } from './domain/purchase';
import { recordPurchase } from './domain/use-cases';
import { callingStoreId, purchasesRepository, SERVICE } from './purchases.context';
import { recordPurchase as route } from './purchases.routes';

purchasesRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ principal, body }) => {
  const storeId = callingStoreId(principal);
  const result = await recordPurchase(purchasesRepository(), { ...body, storeId }, now());
  switch (result.kind) {
    case 'created':
      return {
        status: 201,
        body: purchaseView(result.purchase, result.refunds),
        headers: { location: `/v1/purchases/${encodeURIComponent(result.purchase.orderId)}` },
      };
    case 'replayed':
      return { status: 200, body: purchaseView(result.purchase, result.refunds) };
    case 'conflict':
      throw Problems.conflict(
        'order-conflict',
        `Order ${result.existing.orderId} was already recorded with different details; send the original body, or use a new orderId`,
      );
  }
});
