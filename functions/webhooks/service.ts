import { defineService, keyedTable } from '../../shared/service/declarations';
import { shopifyWebhook, stripeWebhook, wooCommerceWebhook } from './webhooks.routes';

const webhook = { memoryMb: 512, timeoutSeconds: 15, tables: { webhooks: 'readWrite' } } as const;
const purchasesAndSecrets = ['functions/purchases/purchases.facade.ts', 'functions/identity/identity.facade.ts'] as const;

/**
 * Inbound storefront webhooks (Shopify, Stripe, WooCommerce): verified, deduplicated per delivery in this service's
 * own table, and turned into purchases and refunds through the purchases facade.
 */
export const webhooksService = defineService({
  name: 'webhooks',
  description: 'Inbound storefront webhooks',
  tables: {
    // Delivery markers are kept 30 days: longer than any platform retries a delivery.
    webhooks: keyedTable({ envVar: 'WEBHOOKS_TABLE_NAME', timeToLiveAttribute: 'expiresAt' }),
  },
  functions: {
    shopifyWebhook: {
      entry: 'functions/webhooks/shopify.handler.ts',
      description: 'POST /v1/webhooks/shopify/{storeId}',
      ...webhook,
      // customers: Shopify's customers/redact requests an erasure.
      uses: [...purchasesAndSecrets, 'functions/customers/customers.facade.ts'],
    },
    stripeWebhook: { entry: 'functions/webhooks/stripe.handler.ts', description: 'POST /v1/webhooks/stripe/{storeId}', ...webhook, uses: purchasesAndSecrets },
    wooCommerceWebhook: {
      entry: 'functions/webhooks/woocommerce.handler.ts',
      description: 'POST /v1/webhooks/woocommerce/{storeId}',
      ...webhook,
      uses: purchasesAndSecrets,
    },
  },
  routes: [
    { route: shopifyWebhook, function: 'shopifyWebhook' },
    { route: stripeWebhook, function: 'stripeWebhook' },
    { route: wooCommerceWebhook, function: 'wooCommerceWebhook' },
  ],
});
