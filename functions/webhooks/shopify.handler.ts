import { httpHandler } from '../../shared/http/stack';
import { verifyShopify } from './domain/signatures';
import { shopifyActions } from './domain/shopify';
import { bodyOf, parseJsonObject, answerDelivery, secretFor, SERVICE, signatureRejected, webhookContext } from './webhook.runtime';
import { shopifyWebhook as route } from './webhooks.routes';

webhookContext();

/** Shopify webhooks: X-Shopify-Hmac-Sha256 over the raw body; deduplicated on X-Shopify-Webhook-Id. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ event, params }) => {
  const { storeId } = params;
  const body = bodyOf(event);
  if (!verifyShopify(body, event.headers['x-shopify-hmac-sha256'], await secretFor(storeId, 'shopify'))) {
    throw signatureRejected('shopify');
  }
  const topic = event.headers['x-shopify-topic'] ?? '';
  return answerDelivery('shopify', storeId, event.headers['x-shopify-webhook-id'], shopifyActions(topic, parseJsonObject(body)));
});
