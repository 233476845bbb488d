import type * as z from 'zod';
import type { EventContract, EventDetail } from '../../events/contract';

/**
 * The attribute that turns a DynamoDB item's own stream record into an event (the outbox).
 * Written in the same PutItem/TransactWriteItems as the state change it announces, so the change and
 * its event commit together; the stream relay publishes it. A new `eventId` on an item means a new event.
 */
export const OUTBOX_ATTRIBUTE = 'outbox';

export interface OutboxRecord {
  readonly eventId: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: EventDetail<unknown>;
}

export function outboxRecord<Data extends z.ZodType>(
  contract: EventContract<string, Data>,
  data: z.input<Data>,
  metadata: { eventId: string; occurredAt: string },
): OutboxRecord {
  return { eventId: metadata.eventId, source: contract.source, detailType: contract.detailType, detail: contract.detail(data, metadata) };
}

/**
 * Decides which outbox record a stream change carries, if any: an inserted or modified item whose outbox
 * event id is new. A modification that keeps the same outbox event id (a later unrelated update) is not
 * a new event; removals never are.
 */
export function outboxRecordOfChange(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined,
  newImage: Record<string, unknown> | undefined,
  oldImage: Record<string, unknown> | undefined,
): OutboxRecord | undefined {
  if (eventName === 'REMOVE' || !newImage) return undefined;
  const record = newImage[OUTBOX_ATTRIBUTE] as OutboxRecord | undefined;
  if (!record || typeof record.eventId !== 'string') return undefined;
  const previous = oldImage?.[OUTBOX_ATTRIBUTE] as OutboxRecord | undefined;
  if (eventName === 'MODIFY' && previous?.eventId === record.eventId) return undefined;
  return record;
}

/**
 * The event-source-mapping filter (Lambda event filtering, EventBridge pattern syntax over the stream record) that
 * lets through only records whose new image carries an outbox event: the relay is not invoked for the many writes
 * that announce nothing (accounts, markers, lots, activity). A MODIFY that keeps an old outbox still matches and is
 * skipped by outboxRecordOfChange.
 */
export const OUTBOX_STREAM_FILTER = {
  dynamodb: { NewImage: { [OUTBOX_ATTRIBUTE]: { M: { eventId: { S: [{ exists: true }] } } } } },
} as const;
