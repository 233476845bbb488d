import { CustomerErased, CustomerErasedV1 } from '../../events/customer-erased';
import { defineService } from '../../shared/service/declarations';
import { exportCustomer } from './privacy.routes';

/**
 * Privacy: the customer data export, gathered from every service's own exporter. (Erasure is requested through the
 * customers service and carried out by every service declaring a privacy duty; each confirms with CustomerErased.)
 */
export const privacyService = defineService({
  name: 'privacy',
  description: 'Customer data export across services; the CustomerErased contract',
  functions: {
    exportCustomer: {
      entry: 'functions/privacy/export-customer.handler.ts',
      description: 'GET /v1/customers/{customerId}/export: everything held about a customer, from every service',
      memoryMb: 512,
      timeoutSeconds: 29,
      // `invokes` is completed by the composition: every service's privacy exporter.
    },
  },
  routes: [{ route: exportCustomer, function: 'exportCustomer' }],
  // Confirmations are written by each erasing service into its own table's outbox; v1 stays readable.
  produces: [CustomerErased, CustomerErasedV1],
  roles: { privacyExport: 'exportCustomer' },
});
