import { formatMinor } from '../../../shared/domain/money';
import { currencyExponent } from '../../../shared/domain/currencies';
import { customerIdentity, idText, platformOrderId, type WebhookAction } from './actions';

/**
 * Stripe events mapped to actions. Orders are keyed by the PaymentIntent when there is one, so a later
 * charge.refunded (which names the PaymentIntent) finds its purchase; amounts are already in minor units.
 */
export function stripeActions(event: Record<string, unknown>): WebhookAction[] {
  const object = ((event.data as { object?: Record<string, unknown> } | undefined)?.object ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case 'checkout.session.completed': {
      if (object.payment_status !== 'paid') return [{ kind: 'ignore', note: `session payment_status is ${String(object.payment_status)}, not paid` }];
      const details = object.customer_details as { email?: unknown } | null | undefined;
      const identity = customerIdentity(object.customer, details?.email ?? object.customer_email);
      if (!identity) return [{ kind: 'ignore', note: 'session has neither a customer nor an email: nothing to award' }];
      const currency = typeof object.currency === 'string' ? object.currency.toUpperCase() : undefined;
      if (!currency || currencyExponent(currency) === undefined || !Number.isSafeInteger(object.amount_total) || (object.amount_total as number) <= 0) {
        return [{ kind: 'ignore', note: 'session has no usable amount_total and currency' }];
      }
      const orderId = platformOrderId('stripe', idText(object.payment_intent) ?? object.id);
      if (!orderId) return [{ kind: 'reject', pointer: '/data/object/id', detail: 'is required: the checkout session id' }];
      return [
        {
          kind: 'purchase',
          orderId,
          ...identity,
          amount: formatMinor(object.amount_total as number, currency),
          currency,
          items: [],
          ...(typeof object.created === 'number' ? { occurredAt: new Date(object.created * 1000).toISOString() } : {}),
          channel: 'stripe',
        },
      ];
    }
    case 'charge.refunded': {
      const currency = typeof object.currency === 'string' ? object.currency.toUpperCase() : undefined;
      const refundedMinor = object.amount_refunded;
      if (!currency || !Number.isSafeInteger(refundedMinor) || (refundedMinor as number) <= 0) return [{ kind: 'ignore', note: 'charge has no refunded amount' }];
      const chargeId = idText(object.id);
      const orderId = platformOrderId('stripe', idText(object.payment_intent) ?? chargeId);
      if (!orderId || !chargeId) return [{ kind: 'reject', pointer: '/data/object/id', detail: 'is required: the charge id' }];
      // The cumulative amount_refunded identifies this state of the charge; only the newly refunded part is new.
      return [
        {
          kind: 'refund-remaining',
          orderId,
          refundId: `stripe-${chargeId}-${String(refundedMinor)}`,
          reason: `Stripe refund (total refunded ${formatMinor(refundedMinor as number, currency)} ${currency})`,
          upToMinor: refundedMinor as number,
        },
      ];
    }
    default:
      return [{ kind: 'ignore', note: `event type ${String(event.type).slice(0, 64)} is not handled` }];
  }
}
