import { customerIdentity, decimalText, idText, isoTime, lineItemsOf, platformOrderId, type WebhookAction } from './actions';

const PAID = new Set(['processing', 'completed']);

/** WooCommerce REST v3 order webhooks (order.created / order.updated) mapped to actions. */
export function wooCommerceActions(topic: string, order: Record<string, unknown>): WebhookAction[] {
  if (topic !== 'order.created' && topic !== 'order.updated') return [{ kind: 'ignore', note: `topic ${topic.slice(0, 64)} is not handled` }];
  const orderId = platformOrderId('woocommerce', order.id);
  if (!orderId) return [{ kind: 'reject', pointer: '/id', detail: 'is required: the order id' }];
  const actions: WebhookAction[] = [];
  const status = String(order.status);
  const paidAt = isoTime(order.date_paid_gmt, true) ?? isoTime(order.date_paid);
  if ((PAID.has(status) || status === 'refunded') && paidAt) {
    const billing = order.billing as { email?: unknown } | undefined;
    const identity = customerIdentity(order.customer_id, billing?.email);
    const amount = decimalText(order.total);
    if (!identity) actions.push({ kind: 'ignore', note: 'order has neither a customer id nor an email: nothing to award' });
    else if (!amount || typeof order.currency !== 'string') actions.push({ kind: 'ignore', note: 'order has no total or currency' });
    else {
      actions.push({
        kind: 'purchase',
        orderId,
        ...identity,
        amount,
        currency: order.currency,
        items: lineItemsOf(order.line_items),
        occurredAt: paidAt,
        channel: 'woocommerce',
      });
    }
  } else if (!PAID.has(status)) {
    actions.push({ kind: 'ignore', note: `order status ${status.slice(0, 32)} is not paid` });
  }
  const refunds = Array.isArray(order.refunds) ? (order.refunds as { id?: unknown; total?: unknown; reason?: unknown }[]) : [];
  for (const refund of refunds) {
    const amount = decimalText(refund.total)?.replace(/^-/, '');
    if (!amount || Number(amount) === 0) continue;
    const refundId = idText(refund.id);
    if (!refundId) return [{ kind: 'reject', pointer: '/refunds', detail: 'every refund needs its id' }];
    actions.push({ kind: 'refund', orderId, refundId: `woo-refund-${refundId}`, amount, ...(typeof refund.reason === 'string' && refund.reason ? { reason: refund.reason.slice(0, 500) } : {}) });
  }
  if (status === 'refunded') actions.push({ kind: 'refund-remaining', orderId, refundId: `woo-refunded-${orderId.slice('woocommerce:'.length)}`, reason: 'Order refunded' });
  return actions;
}
