import * as z from 'zod';
import { IDENTIFIER_PATTERN } from '../../shared/domain/identifiers';
import { defineRoute } from '../../shared/http/route';

/**
 * Inbound storefront webhooks. Bodies are read raw (signatures cover the exact bytes, ids above 2^53 are parsed
 * losslessly), so the contracts declare no body schema — only the size limit and what every delivery is answered.
 */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
const storeParams = z.object({ storeId: z.string().regex(IDENTIFIER_PATTERN, 'is not a store id') });

const delivery = z.object({
  received: z.literal(true),
  duplicate: z.literal(true).optional(),
  ping: z.literal(true).optional(),
  results: z.array(z.object({ action: z.string(), outcome: z.string(), orderId: z.string().optional() })).optional(),
});

const webhookRoute = (platform: string, path: string, signature: string) =>
  defineRoute({
    method: 'POST',
    path,
    access: ['public'],
    summary: `${platform} webhooks, verified with ${signature} against the store's secret; deduplicated per delivery`,
    params: storeParams,
    maxBodyBytes: MAX_WEBHOOK_BYTES,
    responses: { 200: delivery },
  });

export const shopifyWebhook = webhookRoute('Shopify', '/v1/webhooks/shopify/{storeId}', 'X-Shopify-Hmac-Sha256');
export const stripeWebhook = webhookRoute('Stripe', '/v1/webhooks/stripe/{storeId}', 'Stripe-Signature');
export const wooCommerceWebhook = webhookRoute('WooCommerce', '/v1/webhooks/woocommerce/{storeId}', 'X-WC-Webhook-Signature');
