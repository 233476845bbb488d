import { addDecimals, customerIdentity, decimalText, idText, isoTime, lineItemsOf, platformOrderId, type WebhookAction } from './actions';

/** Shopify REST webhook payloads (X-Shopify-Topic) mapped to actions. */
export function shopifyActions(topic: string, payload: Record<string, unknown>): WebhookAction[] {
  switch (topic) {
    case 'orders/paid': {
      const orderId = platformOrderId('shopify', payload.id);
      if (!orderId) return [{ kind: 'reject', pointer: '/id', detail: 'is required: the order id' }];
      const customer = payload.customer as { id?: unknown; email?: unknown } | null | undefined;
      const identity = customerIdentity(customer?.id, payload.email ?? customer?.email);
      if (!identity) return [{ kind: 'ignore', note: 'order has neither a customer id nor an email: nothing to award' }];
      const amount = decimalText(payload.total_price);
      if (!amount || typeof payload.currency !== 'string') return [{ kind: 'ignore', note: 'order has no total_price or currency' }];
      const discountCodes = Array.isArray(payload.discount_codes) ? (payload.discount_codes as { code?: unknown }[]) : [];
      const firstCode = typeof discountCodes[0]?.code === 'string' ? (discountCodes[0].code as string).slice(0, 64) : undefined;
      return [
        {
          kind: 'purchase',
          orderId,
          ...identity,
          amount,
          currency: payload.currency,
          items: lineItemsOf(payload.line_items),
          ...(isoTime(payload.processed_at ?? payload.created_at) ? { occurredAt: isoTime(payload.processed_at ?? payload.created_at) } : {}),
          ...(firstCode ? { referralCode: firstCode } : {}),
          channel: 'shopify',
        },
      ];
    }
    case 'refunds/create': {
      const orderId = platformOrderId('shopify', payload.order_id);
      if (!orderId) return [{ kind: 'reject', pointer: '/order_id', detail: 'is required: the refunded order id' }];
      const refundId = idText(payload.id);
      if (!refundId) return [{ kind: 'reject', pointer: '/id', detail: 'is required: the refund id' }];
      const transactions = Array.isArray(payload.transactions) ? (payload.transactions as Record<string, unknown>[]) : [];
      // Exact decimal arithmetic: 0.10 + 0.20 is 0.30, not 0.30000000000000004.
      const amounts = transactions
        .filter((transaction) => transaction.kind === 'refund' && (transaction.status === 'success' || transaction.status === undefined))
        .map((transaction) => decimalText(transaction.amount))
        .filter((amount): amount is string => amount !== undefined && !amount.startsWith('-'));
      const refunded = addDecimals(amounts);
      if (!/[1-9]/.test(refunded)) return [{ kind: 'ignore', note: 'refund moved no money (restock only)' }];
      return [{ kind: 'refund', orderId, refundId: `shopify-refund-${refundId}`, amount: refunded, reason: typeof payload.note === 'string' ? payload.note.slice(0, 500) : 'Shopify refund' }];
    }
    case 'orders/cancelled': {
      const orderId = platformOrderId('shopify', payload.id);
      if (!orderId) return [{ kind: 'reject', pointer: '/id', detail: 'is required: the order id' }];
      return [{ kind: 'refund-remaining', orderId, refundId: `shopify-cancel-${orderId.slice('shopify:'.length)}`, reason: `Order cancelled (${String(payload.cancel_reason ?? 'no reason given')})` }];
    }
    case 'customers/redact': {
      const customer = payload.customer as { id?: unknown; email?: unknown } | undefined;
      const identity = customerIdentity(customer?.id, customer?.email);
      return identity ? [{ kind: 'erase', customerId: identity.customerId }] : [{ kind: 'ignore', note: 'redaction request names no customer' }];
    }
    default:
      return [{ kind: 'ignore', note: `topic ${topic.slice(0, 64)} is not handled` }];
  }
}
