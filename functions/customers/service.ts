import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { defineService, keyedTable } from '../../shared/service/declarations';
import { getCustomerActivity, requestCustomerErasure } from './customers.routes';

const consumer = { retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 } as const;

/** Customers: each customer's activity summary, and erasure requests (GDPR) that every service answers. */
export const customersService = defineService({
  name: 'customers',
  description: 'Customer activity summaries and erasure requests',
  tables: {
    // Erasure requests and confirmations leave through the outbox; applied-event markers expire.
    customers: keyedTable({ envVar: 'CUSTOMERS_TABLE_NAME', stream: true, timeToLiveAttribute: 'expiresAt' }),
  },
  functions: {
    trackCustomerActivity: {
      entry: 'functions/customers/track-customer-activity.handler.ts',
      description: 'Consumes purchase events into each customer activity summary (exactly-once effect)',
      // Sized by measurement (npm run bench: peak V8 heap ~20 MiB, I/O-bound): 256 MB leaves headroom over Lambda's Node runtime.
      memoryMb: 256,
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
    exportCustomerActivity: {
      entry: 'functions/customers/export-customer.handler.ts',
      description: "The customers part of a customer's data export (invoked by the privacy service)",
      memoryMb: 256,
      timeoutSeconds: 25,
      tables: { customers: 'read' },
    },
  },
  routes: [
    { route: getCustomerActivity, function: 'getCustomerActivity' },
    { route: requestCustomerErasure, function: 'requestCustomerErasure' },
  ],
  subscriptions: [
    { name: 'customers-track-purchase-recorded', event: PurchaseRecorded, function: 'trackCustomerActivity', ...consumer },
    { name: 'customers-track-purchase-refunded', event: PurchaseRefunded, function: 'trackCustomerActivity', ...consumer },
    { name: 'customers-erase-customer', event: CustomerErasureRequested, function: 'eraseCustomerActivity', ...consumer },
  ],
  produces: [CustomerErasureRequested],
  privacy: { export: 'exportCustomerActivity', erase: 'eraseCustomerActivity' },
  exposes: [{ module: 'functions/customers/customers.facade.ts', tables: { customers: 'readWrite' } }],
});
