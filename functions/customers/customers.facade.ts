import { customersRepository } from './customers.context';

/**
 * What other services may ask of customers, in-process: an erasure request (Shopify's customers/redact arrives as a
 * webhook). Declared in customers' service.ts; a function using it binds the customers table read-write.
 */
export function requestCustomerErasure(request: { requestId: string; customerId: string; requestedBy: string; requestedAt: string }): Promise<void> {
  return customersRepository().requestErasure(request);
}
