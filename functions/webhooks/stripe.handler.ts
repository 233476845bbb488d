import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { verifyStripe } from './domain/signatures';
import { stripeActions } from './domain/stripe';
import { bodyOf, parseJsonObject, answerDelivery, secretFor, SERVICE, signatureRejected, webhookContext } from './webhook.runtime';
import { stripeWebhook as route } from './webhooks.routes';

webhookContext();

/** Stripe webhooks: Stripe-Signature (any v1, at most 300 s old); deduplicated on the event id. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ event, params }) => {
  const { storeId } = params;
  const body = bodyOf(event);
  const verification = verifyStripe(body, event.headers['stripe-signature'], await secretFor(storeId, 'stripe'), now());
  if (!verification.ok) throw signatureRejected('stripe');
  const payload = parseJsonObject(body);
  const eventId = typeof payload.id === 'string' ? payload.id : undefined;
  return answerDelivery('stripe', storeId, eventId, stripeActions(payload));
});
