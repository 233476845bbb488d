import { httpHandler } from '../../shared/http/stack';
import { verifyWooCommerce } from './domain/signatures';
import { wooCommerceActions } from './domain/woocommerce';
import { bodyOf, parseJsonObject, answerDelivery, secretFor, SERVICE, signatureRejected, webhookContext } from './webhook.runtime';
import { wooCommerceWebhook as route } from './webhooks.routes';

webhookContext();

/**
 * WooCommerce webhooks: X-WC-Webhook-Signature over the raw body; deduplicated on X-WC-Webhook-Delivery-ID.
 * The unsigned form-encoded ping sent when a webhook is created ("webhook_id=<id>") is answered 200, storing nothing.
 */
export const handler = httpHandler({ service: SERVICE, route }, async ({ event, params }) => {
  const { storeId } = params;
  const body = bodyOf(event);
  const contentType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (!event.headers['x-wc-webhook-signature'] && contentType === 'application/x-www-form-urlencoded' && /^webhook_id=\d+$/.test(body.toString('utf8').trim())) {
    return { status: 200, body: { received: true, ping: true } };
  }
  if (!verifyWooCommerce(body, event.headers['x-wc-webhook-signature'], await secretFor(storeId, 'woocommerce'))) {
    throw signatureRejected('woocommerce');
  }
  const topic = event.headers['x-wc-webhook-topic'] ?? '';
  return answerDelivery('woocommerce', storeId, event.headers['x-wc-webhook-delivery-id'], wooCommerceActions(topic, parseJsonObject(body)));
});
