import { customersRepository } from './customers.context';
import { requestErasure, type ErasureRequest } from './domain/use-cases';

/**
 * What other services may ask of customers, in-process: an erasure request (Shopify's customers/redact arrives as a
 * webhook). Declared in customers' service.ts; a function using it binds the customers table read-write.
 */
export function requestCustomerErasure(request: ErasureRequest): Promise<void> {
  return requestErasure(customersRepository(), request);
}
