import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { defineService, keyedTable } from '../../shared/service/declarations';
import { PURCHASE_LISTING_ATTRIBUTES } from './purchases.items';
import { getPurchase, listCustomerPurchases, recordPurchase, refundPurchase } from './purchases.routes';

const api = { memoryMb: 512, timeoutSeconds: 10 } as const;

/** Purchases: orders and refunds from storefronts (API and webhooks), the start of every loyalty event. */
export const purchasesService = defineService({
  name: 'purchases',
  description: 'Orders and refunds from storefronts; PurchaseRecorded and PurchaseRefunded',
  tables: {
    // gsi1: all of a customer's purchases, newest first (customers and marketers); gsi2: one store's purchases of a
    // customer, newest first (storefronts see only their own). Held refunds expire; purchases and refunds do not.
    // Both project the purchase as listings read it, never its outbox event.
    purchases: keyedTable({
      envVar: 'PURCHASES_TABLE_NAME',
      indexes: [
        { name: 'gsi1', projection: { include: PURCHASE_LISTING_ATTRIBUTES } },
        { name: 'gsi2', projection: { include: PURCHASE_LISTING_ATTRIBUTES } },
      ],
      stream: true,
      timeToLiveAttribute: 'expiresAt',
    }),
  },
  functions: {
    recordPurchase: { entry: 'functions/purchases/record-purchase.handler.ts', description: 'POST /v1/purchases', ...api, tables: { purchases: 'readWrite' } },
    refundPurchase: { entry: 'functions/purchases/refund-purchase.handler.ts', description: 'POST /v1/purchases/{orderId}/refunds', ...api, tables: { purchases: 'readWrite' } },
    getPurchase: { entry: 'functions/purchases/get-purchase.handler.ts', description: 'GET /v1/purchases/{orderId}', ...api, tables: { purchases: 'read' } },
    listCustomerPurchases: {
      entry: 'functions/purchases/list-customer-purchases.handler.ts',
      description: 'GET /v1/customers/{customerId}/purchases',
      ...api,
      tables: { purchases: 'read' },
    },
    erasePurchasesCustomer: {
      entry: 'functions/purchases/erase-customer.handler.ts',
      description: 'CustomerErasureRequested in the purchases service',
      memoryMb: 512,
      timeoutSeconds: 120,
      tables: { purchases: 'readWrite' },
    },
    exportPurchasesCustomer: {
      entry: 'functions/purchases/export-customer.handler.ts',
      description: "The purchases part of a customer's data export (invoked by the privacy service)",
      memoryMb: 512,
      timeoutSeconds: 25,
      tables: { purchases: 'read' },
    },
  },
  routes: [
    { route: recordPurchase, function: 'recordPurchase' },
    { route: getPurchase, function: 'getPurchase' },
    { route: refundPurchase, function: 'refundPurchase' },
    { route: listCustomerPurchases, function: 'listCustomerPurchases' },
  ],
  subscriptions: [
    { name: 'purchases-erase-customer', event: CustomerErasureRequested, function: 'erasePurchasesCustomer', retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 },
  ],
  produces: [PurchaseRecorded, PurchaseRefunded],
  privacy: { export: 'exportPurchasesCustomer', erase: 'erasePurchasesCustomer' },
  exposes: [
    { module: 'functions/purchases/purchases.facade.ts', tables: { purchases: 'readWrite' } },
    { module: 'functions/purchases/purchases.reads.facade.ts', tables: { purchases: 'read' } },
  ],
});
