import { CustomerErasureRequested, PurchaseRecorded, PurchaseRefunded } from '../events';
import type { Topology } from './topology-types';

/**
 * THE declaration of the system: tables, functions, routes, subscriptions, streams and schedules.
 * The CDK app (infra/cdk) and the local runtime (infra/local) are both built from this object, and
 * test/infra proves the synthesized template matches it. Pure data: no CDK or AWS imports.
 */
const S = 'S' as const;

export const topology = {
  tables: {
    identity: {
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      indexes: [{ name: 'gsi1', partitionKey: { name: 'gsi1pk', type: S }, sortKey: { name: 'gsi1sk', type: S } }],
      envVar: 'IDENTITY_TABLE_NAME',
    },
    purchases: {
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      indexes: [
        // All of a customer's purchases, newest first (customers and marketers).
        { name: 'gsi1', partitionKey: { name: 'gsi1pk', type: S }, sortKey: { name: 'gsi1sk', type: S } },
        // One store's purchases of a customer, newest first (storefronts see only their own).
        { name: 'gsi2', partitionKey: { name: 'gsi2pk', type: S }, sortKey: { name: 'gsi2sk', type: S } },
      ],
      stream: true,
      // Webhook delivery markers expire; purchases and refunds carry no expiry.
      timeToLiveAttribute: 'expiresAt',
      envVar: 'PURCHASES_TABLE_NAME',
    },
    customers: {
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      // Erasure requests and confirmations leave through the outbox.
      stream: true,
      timeToLiveAttribute: 'expiresAt',
      envVar: 'CUSTOMERS_TABLE_NAME',
    },
    loyalty: {
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      indexes: [
        // The due-time index the schedules page through: DUE#<kind>#<shard>, sorted by due time.
        { name: 'gsi1', partitionKey: { name: 'gsi1pk', type: S }, sortKey: { name: 'gsi1sk', type: S } },
        // A customer's redemptions, newest first.
        { name: 'gsi2', partitionKey: { name: 'gsi2pk', type: S }, sortKey: { name: 'gsi2sk', type: S } },
      ],
      stream: true,
      timeToLiveAttribute: 'expiresAt',
      envVar: 'LOYALTY_TABLE_NAME',
    },
  },
  functions: {
    authorizer: {
      entry: 'functions/identity/authorizer.handler.ts',
      description: 'Lambda authorizer: storefront API keys, and customer or marketer tokens on shared routes',
      memoryMb: 512,
      timeoutSeconds: 5,
      tables: { identity: 'read' },
      verifiesTokens: true,
    },
    health: {
      entry: 'functions/platform/health.handler.ts',
      description: 'Liveness: answers without touching any dependency',
      memoryMb: 256,
      timeoutSeconds: 3,
    },
    fallback: {
      entry: 'functions/platform/fallback.handler.ts',
      description: 'Unmatched requests: problem+json 404 (unknown route) or 405 (wrong method)',
      memoryMb: 256,
      timeoutSeconds: 3,
    },
    outboxRelay: {
      entry: 'functions/platform/outbox-relay.handler.ts',
      description: 'Publishes outbox events from table streams to the event bus',
      memoryMb: 512,
      timeoutSeconds: 30,
      publishesEvents: true,
    },
    recordPurchase: {
      entry: 'functions/purchases/record-purchase.handler.ts',
      description: 'POST /v1/purchases',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { purchases: 'readWrite' },
    },
    refundPurchase: {
      entry: 'functions/purchases/refund-purchase.handler.ts',
      description: 'POST /v1/purchases/{orderId}/refunds',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { purchases: 'readWrite' },
    },
    getPurchase: {
      entry: 'functions/purchases/get-purchase.handler.ts',
      description: 'GET /v1/purchases/{orderId}',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { purchases: 'read' },
    },
    listCustomerPurchases: {
      entry: 'functions/purchases/list-customer-purchases.handler.ts',
      description: 'GET /v1/customers/{customerId}/purchases',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { purchases: 'read' },
    },
    trackCustomerActivity: {
      entry: 'functions/customers/track-customer-activity.handler.ts',
      description: 'Consumes purchase events into each customer activity summary (exactly-once effect)',
      memoryMb: 512,
      timeoutSeconds: 30,
      tables: { customers: 'readWrite' },
    },
    getCustomerActivity: {
      entry: 'functions/customers/get-customer-activity.handler.ts',
      description: 'GET /v1/customers/{customerId}/activity',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { customers: 'read' },
    },
    getProgram: {
      entry: 'functions/loyalty/get-program.handler.ts',
      description: 'GET /v1/program',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'read' },
    },
    putProgram: {
      entry: 'functions/loyalty/put-program.handler.ts',
      description: 'PUT /v1/program',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'readWrite' },
    },
    getLoyaltyBalance: {
      entry: 'functions/loyalty/get-balance.handler.ts',
      description: 'GET /v1/customers/{customerId}/loyalty',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'read' },
    },
    getLedger: {
      entry: 'functions/loyalty/get-ledger.handler.ts',
      description: 'GET /v1/customers/{customerId}/ledger',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'read' },
    },
    createAdjustment: {
      entry: 'functions/loyalty/create-adjustment.handler.ts',
      description: 'POST /v1/customers/{customerId}/adjustments',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'readWrite' },
    },
    batchAdjustments: {
      entry: 'functions/loyalty/batch-adjustments.handler.ts',
      description: 'POST /v1/adjustments/batch',
      memoryMb: 1024,
      timeoutSeconds: 29,
      tables: { loyalty: 'readWrite' },
    },
    listRewards: {
      entry: 'functions/loyalty/list-rewards.handler.ts',
      description: 'GET /v1/rewards',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'read' },
    },
    createReward: {
      entry: 'functions/loyalty/create-reward.handler.ts',
      description: 'POST /v1/rewards',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'readWrite' },
    },
    updateReward: {
      entry: 'functions/loyalty/update-reward.handler.ts',
      description: 'PUT /v1/rewards/{rewardId}',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'readWrite' },
    },
    createRedemption: {
      entry: 'functions/loyalty/create-redemption.handler.ts',
      description: 'POST /v1/customers/{customerId}/redemptions',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'readWrite' },
    },
    listRedemptions: {
      entry: 'functions/loyalty/list-redemptions.handler.ts',
      description: 'GET /v1/customers/{customerId}/redemptions',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'read' },
    },
    cancelRedemption: {
      entry: 'functions/loyalty/cancel-redemption.handler.ts',
      description: 'POST /v1/redemptions/{redemptionId}/cancel',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'readWrite' },
    },
    consumeCoupon: {
      entry: 'functions/loyalty/consume-coupon.handler.ts',
      description: 'POST /v1/coupons/{code}/consume',
      memoryMb: 512,
      timeoutSeconds: 10,
      tables: { loyalty: 'readWrite' },
    },
    shopifyWebhook: {
      entry: 'functions/webhooks/shopify.handler.ts',
      description: 'POST /v1/webhooks/shopify/{storeId}',
      memoryMb: 512,
      timeoutSeconds: 15,
      // customers: Shopify's customers/redact requests an erasure.
      tables: { purchases: 'readWrite', identity: 'read', customers: 'readWrite' },
    },
    stripeWebhook: {
      entry: 'functions/webhooks/stripe.handler.ts',
      description: 'POST /v1/webhooks/stripe/{storeId}',
      memoryMb: 512,
      timeoutSeconds: 15,
      tables: { purchases: 'readWrite', identity: 'read' },
    },
    wooCommerceWebhook: {
      entry: 'functions/webhooks/woocommerce.handler.ts',
      description: 'POST /v1/webhooks/woocommerce/{storeId}',
      memoryMb: 512,
      timeoutSeconds: 15,
      tables: { purchases: 'readWrite', identity: 'read' },
    },
    requestCustomerErasure: {
      entry: 'functions/customers/request-erasure.handler.ts',
      description: 'DELETE /v1/customers/{customerId}: request erasure of personal data in every service',
      memoryMb: 256,
      timeoutSeconds: 10,
      tables: { customers: 'readWrite' },
    },
    eraseCustomerActivity: {
      entry: 'functions/customers/erase-customer.handler.ts',
      description: 'CustomerErasureRequested in the customers service',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { customers: 'readWrite' },
    },
    erasePurchasesCustomer: {
      entry: 'functions/purchases/erase-customer.handler.ts',
      description: 'CustomerErasureRequested in the purchases service',
      memoryMb: 512,
      timeoutSeconds: 120,
      tables: { purchases: 'readWrite' },
    },
    eraseLoyaltyCustomer: {
      entry: 'functions/loyalty/erase-customer.handler.ts',
      description: 'CustomerErasureRequested in the loyalty service',
      memoryMb: 512,
      timeoutSeconds: 120,
      tables: { loyalty: 'readWrite' },
    },
    exportCustomer: {
      entry: 'functions/privacy/export-customer.handler.ts',
      description: 'GET /v1/customers/{customerId}/export: everything held about a customer',
      memoryMb: 1024,
      timeoutSeconds: 29,
      tables: { purchases: 'read', customers: 'read', loyalty: 'read' },
    },
    loyaltyPurchaseEvents: {
      entry: 'functions/loyalty/purchase-events.handler.ts',
      description: 'Awards points for purchases and reverses them for refunds (exactly once)',
      memoryMb: 512,
      timeoutSeconds: 30,
      tables: { loyalty: 'readWrite' },
    },
    loyaltySchedules: {
      entry: 'functions/loyalty/schedules.handler.ts',
      description: 'Releases pending points, sends expiry reminders, expires points, reviews tiers',
      memoryMb: 1024,
      timeoutSeconds: 300,
      tables: { loyalty: 'readWrite' },
    },
  },
  routes: [
    { method: 'GET', path: '/v1/health', function: 'health', access: ['public'] },
    { method: 'POST', path: '/v1/purchases', function: 'recordPurchase', access: ['storefront'] },
    { method: 'GET', path: '/v1/purchases/{orderId}', function: 'getPurchase', access: ['storefront'] },
    { method: 'POST', path: '/v1/purchases/{orderId}/refunds', function: 'refundPurchase', access: ['storefront'] },
    {
      method: 'GET',
      path: '/v1/customers/{customerId}/purchases',
      function: 'listCustomerPurchases',
      access: ['storefront', 'customer', 'marketer'],
    },
    {
      method: 'GET',
      path: '/v1/customers/{customerId}/activity',
      function: 'getCustomerActivity',
      access: ['storefront', 'customer', 'marketer'],
    },
    { method: 'GET', path: '/v1/program', function: 'getProgram', access: ['marketer'] },
    { method: 'PUT', path: '/v1/program', function: 'putProgram', access: ['marketer'] },
    { method: 'GET', path: '/v1/customers/{customerId}/loyalty', function: 'getLoyaltyBalance', access: ['storefront', 'customer', 'marketer'] },
    { method: 'GET', path: '/v1/customers/{customerId}/ledger', function: 'getLedger', access: ['storefront', 'customer', 'marketer'] },
    { method: 'POST', path: '/v1/customers/{customerId}/adjustments', function: 'createAdjustment', access: ['marketer'] },
    { method: 'POST', path: '/v1/adjustments/batch', function: 'batchAdjustments', access: ['marketer'] },
    { method: 'GET', path: '/v1/rewards', function: 'listRewards', access: ['storefront', 'customer', 'marketer'] },
    { method: 'POST', path: '/v1/rewards', function: 'createReward', access: ['marketer'] },
    { method: 'PUT', path: '/v1/rewards/{rewardId}', function: 'updateReward', access: ['marketer'] },
    { method: 'POST', path: '/v1/customers/{customerId}/redemptions', function: 'createRedemption', access: ['storefront', 'customer'] },
    { method: 'GET', path: '/v1/customers/{customerId}/redemptions', function: 'listRedemptions', access: ['storefront', 'customer', 'marketer'] },
    { method: 'POST', path: '/v1/redemptions/{redemptionId}/cancel', function: 'cancelRedemption', access: ['customer', 'marketer'] },
    { method: 'POST', path: '/v1/coupons/{code}/consume', function: 'consumeCoupon', access: ['storefront'] },
    { method: 'DELETE', path: '/v1/customers/{customerId}', function: 'requestCustomerErasure', access: ['marketer'] },
    { method: 'GET', path: '/v1/customers/{customerId}/export', function: 'exportCustomer', access: ['customer', 'marketer'] },
    { method: 'POST', path: '/v1/webhooks/shopify/{storeId}', function: 'shopifyWebhook', access: ['public'] },
    { method: 'POST', path: '/v1/webhooks/stripe/{storeId}', function: 'stripeWebhook', access: ['public'] },
    { method: 'POST', path: '/v1/webhooks/woocommerce/{storeId}', function: 'wooCommerceWebhook', access: ['public'] },
  ],
  fallbackFunction: 'fallback',
  apiKeyAuthorizerFunction: 'authorizer',
  subscriptions: [
    {
      name: 'customers-track-purchase-recorded',
      event: PurchaseRecorded,
      function: 'trackCustomerActivity',
      retryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    {
      name: 'customers-track-purchase-refunded',
      event: PurchaseRefunded,
      function: 'trackCustomerActivity',
      retryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    {
      name: 'loyalty-award-purchase-recorded',
      event: PurchaseRecorded,
      function: 'loyaltyPurchaseEvents',
      retryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    {
      name: 'loyalty-reverse-purchase-refunded',
      event: PurchaseRefunded,
      function: 'loyaltyPurchaseEvents',
      retryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    {
      name: 'customers-erase-customer',
      event: CustomerErasureRequested,
      function: 'eraseCustomerActivity',
      retryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    {
      name: 'purchases-erase-customer',
      event: CustomerErasureRequested,
      function: 'erasePurchasesCustomer',
      retryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    {
      name: 'loyalty-erase-customer',
      event: CustomerErasureRequested,
      function: 'eraseLoyaltyCustomer',
      retryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
  ],
  streams: [
    { table: 'customers', function: 'outboxRelay', batchSize: 100, maxRetryAttempts: 10 },
    { table: 'purchases', function: 'outboxRelay', batchSize: 100, maxRetryAttempts: 10 },
    { table: 'loyalty', function: 'outboxRelay', batchSize: 100, maxRetryAttempts: 10 },
  ],
  schedules: [
    {
      name: 'loyalty-release-pending',
      function: 'loyaltySchedules',
      expression: 'rate(15 minutes)',
      description: 'Pending points whose return window closed become available',
    },
    {
      name: 'loyalty-expiry-reminders',
      function: 'loyaltySchedules',
      expression: 'rate(1 hour)',
      description: 'PointsExpiringSoon for points expiring within the reminder window',
    },
    { name: 'loyalty-expire-points', function: 'loyaltySchedules', expression: 'rate(1 hour)', description: 'Expires points past their expiry, oldest first' },
    { name: 'loyalty-tier-review', function: 'loyaltySchedules', expression: 'cron(0 3 * * ? *)', description: 'Re-evaluates tiers for downgrade (policy "reevaluate")' },
  ],
} as const satisfies Topology<
  'identity' | 'purchases' | 'customers' | 'loyalty',
  | 'authorizer'
  | 'health'
  | 'fallback'
  | 'outboxRelay'
  | 'recordPurchase'
  | 'refundPurchase'
  | 'getPurchase'
  | 'listCustomerPurchases'
  | 'trackCustomerActivity'
  | 'getCustomerActivity'
  | 'getProgram'
  | 'putProgram'
  | 'getLoyaltyBalance'
  | 'getLedger'
  | 'createAdjustment'
  | 'batchAdjustments'
  | 'listRewards'
  | 'createReward'
  | 'updateReward'
  | 'createRedemption'
  | 'listRedemptions'
  | 'cancelRedemption'
  | 'consumeCoupon'
  | 'loyaltyPurchaseEvents'
  | 'loyaltySchedules'
  | 'shopifyWebhook'
  | 'stripeWebhook'
  | 'wooCommerceWebhook'
  | 'requestCustomerErasure'
  | 'eraseCustomerActivity'
  | 'erasePurchasesCustomer'
  | 'eraseLoyaltyCustomer'
  | 'exportCustomer'
>;

export type AppTopology = typeof topology;
export type TableName = keyof AppTopology['tables'];
export type FunctionName = keyof AppTopology['functions'];

export const APP_NAME = 'loyalty-loop';

/** Physical table names are deterministic per stage so operators (and the CLI) can address them. */
export function physicalTableName(stage: string, table: TableName): string {
  return `${APP_NAME}-${stage}-${table}`;
}

export function eventBusName(stage: string): string {
  return `${APP_NAME}-${stage}`;
}

/** How long API Gateway caches the API-key authorizer's answer per key: a revoked key works at most this long. */
export const API_KEY_AUTHORIZER_CACHE_SECONDS = 300;

/** The audience customer and marketer tokens must carry (the Cognito app client id on AWS). */
export const LOCAL_TOKEN_AUDIENCE = 'loyalty-loop';

/**
 * CORS for browsers calling the API (storefront widgets, customer portals). Allowed origins are configuration
 * (CDK context corsOrigins, local CORS_ORIGINS); without any, the API sends no CORS headers at all.
 */
export const CORS = {
  allowHeaders: ['content-type', 'authorization', 'x-api-key', 'idempotency-key'],
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
  exposeHeaders: ['location', 'allow', 'idempotent-replayed'],
  maxAgeSeconds: 600,
} as const;

export function parseOrigins(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  const origins = list.map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin)) throw new Error(`CORS origin "${origin}" must be a scheme and host like https://shop.example.com`);
  }
  return origins;
}
