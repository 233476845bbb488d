import { customerIdentity, decimalText, isoTime, lineItemsOf, type WebhookAction } from './actions';

/** Shopify REST webhook payloads (X-Shopify-Topic) mapped to actions. */
export function shopifyActions(topic: string, payload: Record<string, unknown>): WebhookAction[] {
  switch (topic) {
    case 'orders/paid': {
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
          orderId: String(payload.id),
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
      const transactions = Array.isArray(payload.transactions) ? (payload.transactions as Record<string, unknown>[]) : [];
      const refunded = transactions
        .filter((transaction) => transaction.kind === 'refund' && (transaction.status === 'success' || transaction.status === undefined))
        .reduce((sum, transaction) => sum + Math.round(Number(decimalText(transaction.amount) ?? 0) * 1e6), 0);
      if (refunded <= 0) return [{ kind: 'ignore', note: 'refund moved no money (restock only)' }];
      return [{ kind: 'refund', orderId: String(payload.order_id), refundId: `shopify-refund-${String(payload.id)}`, amount: String(refunded / 1e6), reason: typeof payload.note === 'string' ? payload.note.slice(0, 500) : 'Shopify refund' }];
    }
    case 'orders/cancelled':
      return [{ kind: 'refund-remaining', orderId: String(payload.id), refundId: `shopify-cancel-${String(payload.id)}`, reason: `Order cancelled (${String(payload.cancel_reason ?? 'no reason given')})` }];
    case 'customers/redact': {
      const customer = payload.customer as { id?: unknown; email?: unknown } | undefined;
      const identity = customerIdentity(customer?.id, customer?.email);
      return identity ? [{ kind: 'erase', customerId: identity.customerId }] : [{ kind: 'ignore', note: 'redaction request names no customer' }];
    }
    default:
      return [{ kind: 'ignore', note: `topic ${topic.slice(0, 64)} is not handled` }];
  }
}
