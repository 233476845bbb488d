import { now } from '../../shared/clock';
import { formatMinor } from '../../shared/domain/money';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { refundView } from './domain/purchase';
import { refundPurchase } from './domain/use-cases';
import { callingStoreId, purchasesRepository, SERVICE } from './purchases.context';
import { orderParams, refundBody } from './purchase.schema';

purchasesRepository();

export const handler = httpHandler({ service: SERVICE, body: refundBody, params: orderParams }, async ({ principal, body, params }) => {
  const storeId = callingStoreId(principal);
  const result = await refundPurchase(purchasesRepository(), { storeId, orderId: params.orderId, ...body }, now());
  switch (result.kind) {
    case 'created':
      return { status: 201, body: refundView(result.refund) };
    case 'replayed':
      return { status: 200, body: refundView(result.refund) };
    case 'conflict':
      throw Problems.conflict('refund-conflict', `Refund ${result.existing.refundId} was already recorded with different details`);
    case 'purchase-not-found':
      throw Problems.notFound(`This store has no purchase with orderId ${params.orderId}`);
    case 'invalid-amount':
      throw Problems.validation([{ pointer: '/amount', detail: result.message }]);
    case 'exceeds-purchase':
      throw Problems.unprocessable(
        'refund-exceeds-purchase',
        `The refund exceeds what remains refundable on this order (${formatMinor(result.remainingMinor, result.currency)} ${result.currency})`,
        { errors: [{ pointer: '/amount', detail: 'exceeds the amount remaining to refund' }], remainingMinor: result.remainingMinor },
      );
  }
});
