import { randomUUID } from 'node:crypto';
import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { requestCustomerErasure as route } from './customers.routes';
import { customersRepository, SERVICE } from './customers.context';
import { requestErasure } from './domain/use-cases';

customersRepository();

/**
 * DELETE /v1/customers/{customerId}: every service erases the customer's personal data (email, free text) and keeps
 * only the anonymous totals its ledger needs, each confirming with CustomerErased. Accepted, processed by events.
 */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, principal }) => {
  const requestId = randomUUID();
  const requestedBy = principal.kind === 'marketer' ? principal.marketerId : principal.kind;
  await requestErasure(customersRepository(), { requestId, customerId: params.customerId, requestedBy, requestedAt: now().toISOString() });
  return { status: 202, body: { requestId, customerId: params.customerId, status: 'requested', confirmations: 'CustomerErased events, one per service' } };
});
