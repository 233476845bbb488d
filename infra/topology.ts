import { PurchaseRecorded, PurchaseRefunded } from '../events';
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
      envVar: 'PURCHASES_TABLE_NAME',
    },
    customers: {
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      timeToLiveAttribute: 'expiresAt',
      envVar: 'CUSTOMERS_TABLE_NAME',
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
  ],
  streams: [{ table: 'purchases', function: 'outboxRelay', batchSize: 100, maxRetryAttempts: 10 }],
  schedules: [],
} as const satisfies Topology<
  'identity' | 'purchases' | 'customers',
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
