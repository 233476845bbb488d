import { now } from '../../shared/clock';
import { formatMinor } from '../../shared/domain/money';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { heldRefundView, MAX_HELD_REFUNDS, refundView } from './domain/purchase';
import { refundPurchase } from './domain/use-cases';
import { callingStoreId, purchasesRepository, SERVICE } from './purchases.context';
import { refundPurchase as route } from './purchases.routes';

purchasesRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ principal, body, params }) => {
  const storeId = callingStoreId(principal);
  const result = await refundPurchase(purchasesRepository(), { storeId, orderId: params.orderId, ...body }, now());
  switch (result.kind) {
    case 'created':
      return { status: 201, body: refundView(result.refund) };
    case 'replayed':
      return { status: 200, body: refundView(result.refund) };
    case 'held':
      // Accepted, not applied: the purchase is not recorded yet. It applies, once, when the purchase arrives.
      return { status: 202, body: heldRefundView(result.held) };
    case 'too-many-held':
      throw Problems.conflict('too-many-held-refunds', `Order ${params.orderId} is not recorded and already holds ${MAX_HELD_REFUNDS} refunds; record the purchase first`);
    case 'nothing-left':
      throw Problems.unprocessable('refund-exceeds-purchase', 'Nothing remains to refund on this order', { errors: [{ pointer: '/amount', detail: 'exceeds the amount remaining to refund' }], remainingMinor: 0 });
    case 'conflict':
      throw Problems.conflict('refund-conflict', `Refund ${result.existing.refundId} was already recorded with different details`);
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
