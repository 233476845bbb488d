import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { compareSequenceNumbers } from '../../shared/aws/stream-sequence';
import { eventBridge } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { outboxRecordOfChange, type OutboxRecord } from '../../shared/events/outbox';
import { createLogger, maskEmail } from '../../shared/logger';
import { publishAll, type Publisher } from './publish';

/**
 * The outbox relay: turns stream records that carry an outbox event into EventBridge events.
 * Failed entries are retried; records whose events still fail are reported as batch item failures, so Lambda
 * retries from the first of them (ReportBatchItemFailures). Publishing a record twice is harmless: consumers
 * deduplicate on the event's deterministic metadata.eventId.
 */
const config = loadConfig({ EVENT_BUS_NAME: nonEmpty });
const logger = createLogger('platform');

const publisher: Publisher = async (entries) => {
  const response = await eventBridge().send(new PutEventsCommand({ Entries: entries }));
  return response.Entries ?? [];
};

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const pending: { sequenceNumber: string; entry: PutEventsRequestEntry; eventId: string }[] = [];
  for (const record of event.Records) {
    const outbox = outboxOf(record);
    if (!outbox) continue;
    pending.push({ sequenceNumber: record.dynamodb?.SequenceNumber ?? '', entry: toEntry(outbox), eventId: outbox.eventId });
  }
  if (pending.length === 0) return { batchItemFailures: [] };
  const failed = await publishAll(publisher, pending, { attempts: 4, baseDelayMs: 100 });
  for (const failure of failed) logger.error('event not published', { eventId: maskEmail(failure.eventId), errorCode: failure.errorCode });
  logger.info('outbox relayed', { records: event.Records.length, published: pending.length - failed.length, failed: failed.length });
  // Report only the earliest failed record: Lambda retries from there, which re-covers every later record.
  const first = failed.map((failure) => failure.sequenceNumber).sort(compareSequenceNumbers)[0];
  return { batchItemFailures: first === undefined ? [] : [{ itemIdentifier: first }] };
}

function outboxOf(record: DynamoDBRecord): OutboxRecord | undefined {
  const image = record.dynamodb?.NewImage;
  const old = record.dynamodb?.OldImage;
  return outboxRecordOfChange(
    record.eventName,
    image ? unmarshall(image as Record<string, AttributeValue>) : undefined,
    old ? unmarshall(old as Record<string, AttributeValue>) : undefined,
  );
}

function toEntry(outbox: OutboxRecord): PutEventsRequestEntry {
  return {
    EventBusName: config.EVENT_BUS_NAME,
    Source: outbox.source,
    DetailType: outbox.detailType,
    Detail: JSON.stringify(outbox.detail),
    Time: new Date(outbox.detail.metadata.occurredAt),
    Resources: [],
  };
}

