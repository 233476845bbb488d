import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putMarkerOnce } from '../aws/idempotency';
import { CustomerErased } from '../../events/customer-erased';
import { OUTBOX_ATTRIBUTE, outboxRecord } from './outbox';

/**
 * The confirmation a service writes when it has erased a customer's personal data: an item in its own table whose
 * stream record becomes CustomerErased. Conditional on not existing, so a redelivered request confirms once.
 */
export function erasureConfirmationItem(input: { requestId: string; customerId: string; service: string; itemsErased: number; erasedAt: string }) {
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

/** Writes a service's erasure confirmation once; a redelivered request finds it there and confirms nothing new. */
export async function confirmErasureOnce(
  client: DynamoDBDocumentClient,
  tableName: string,
  input: Parameters<typeof erasureConfirmationItem>[0],
): Promise<void> {
  const { pk, sk, ...attributes } = erasureConfirmationItem(input);
  await putMarkerOnce(client, { tableName, pk, sk, attributes });
}
