import { CustomerErased } from '../../events/customer-erased';
import { OUTBOX_ATTRIBUTE, outboxRecord } from './outbox';

/**
 * The confirmation a service writes when it has erased a customer's personal data: an item in its own table whose
 * stream record becomes CustomerErased. Conditional on not existing, so a redelivered request confirms once.
 */
export function erasureConfirmationItem(input: { requestId: string; customerId: string; service: 'purchases' | 'customers' | 'loyalty'; itemsErased: number; erasedAt: string }) {
  return {
    pk: `ERASURE#${input.requestId}`,
    sk: input.service,
    type: 'erasureConfirmation',
    customerId: input.customerId,
    [OUTBOX_ATTRIBUTE]: outboxRecord(CustomerErased, input, { eventId: `CustomerErased:${input.requestId}:${input.service}`, occurredAt: input.erasedAt }),
  };
}

/** What erased free text becomes. */
export const ERASED = '[erased]';
