import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '../../events/contract';
import { queryAll } from '../../shared/aws/query';

/**
 * The local runtime's own durable state, kept in DynamoDB Local beside the application tables (so it survives
 * restarts and `kill -9` exactly as the data does): the event journal with each delivery's state, pending
 * deliveries to resume, dead letters, and stream checkpoints. Local only — never part of the deployed topology.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead-lettered';

export interface DeliveryState {
  readonly rule: string;
  readonly function: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError?: string;
  readonly updatedAt: string;
}

export interface JournalEntry {
  readonly key: string;
  readonly receivedAt: string;
  readonly event: EventEnvelope;
  readonly deliveries: Record<string, DeliveryState>;
}

export interface DeadLetter {
  readonly id: string;
  readonly kind: 'event' | 'stream' | 'schedule';
  readonly createdAt: string;
  /** For events: the rule; for streams: the table; for schedules: the schedule. */
  readonly source: string;
  readonly function: string;
  readonly payload: unknown;
  readonly error: string;
  readonly attempts: number;
  readonly eventKey?: string;
  readonly replayedAt?: string;
}

export class Journal {
  private readonly client: DynamoDBDocumentClient;

  constructor(
    private readonly rawClient: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.client = DynamoDBDocumentClient.from(rawClient, { marshallOptions: { removeUndefinedValues: true } });
  }

  async ensureTable(): Promise<void> {
    try {
      await this.rawClient.send(new DescribeTableCommand({ TableName: this.tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await this.rawClient.send(
        new CreateTableCommand({
          TableName: this.tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
    }
  }

  /** Records an accepted event and its pending deliveries atomically, before PutEvents is acknowledged. */
  async recordEvent(entry: JournalEntry): Promise<void> {
    const pending = Object.values(entry.deliveries).map((delivery) => ({
      Put: { TableName: this.tableName, Item: { pk: 'PENDING', sk: `${entry.key}|${delivery.rule}`, eventKey: entry.key, rule: delivery.rule } },
    }));
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: this.tableName, Item: { pk: 'EVENT', sk: entry.key, ...entry } } }, ...pending],
      }),
    );
  }

  async getEvent(key: string): Promise<JournalEntry | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'EVENT', sk: key }, ConsistentRead: true }));
    return result.Item as JournalEntry | undefined;
  }

  async updateDelivery(eventKey: string, state: DeliveryState): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: 'EVENT', sk: eventKey },
        UpdateExpression: 'SET deliveries.#rule = :state',
        ExpressionAttributeNames: { '#rule': state.rule },
        ExpressionAttributeValues: { ':state': state },
      }),
    );
    if (state.status !== 'pending') {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: 'PENDING', sk: `${eventKey}|${state.rule}` } }));
    }
  }

  async markPending(eventKey: string, rule: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'PENDING', sk: `${eventKey}|${rule}`, eventKey, rule } }));
  }

  async pendingDeliveries(): Promise<{ eventKey: string; rule: string }[]> {
    return (await this.queryAll('PENDING')).map((item) => ({ eventKey: item.eventKey as string, rule: item.rule as string }));
  }

  /** Newest first, with an opaque cursor. */
  async listEvents(options: { limit: number; cursor?: string; detailType?: string }): Promise<{ items: JournalEntry[]; nextCursor?: string }> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: options.cursor ? 'pk = :pk AND sk < :cursor' : 'pk = :pk',
        ...(options.detailType ? { FilterExpression: '#event.#detailType = :detailType' } : {}),
        ExpressionAttributeNames: options.detailType ? { '#event': 'event', '#detailType': 'detail-type' } : undefined,
        ExpressionAttributeValues: {
          ':pk': 'EVENT',
          ...(options.cursor ? { ':cursor': options.cursor } : {}),
          ...(options.detailType ? { ':detailType': options.detailType } : {}),
        },
        ScanIndexForward: false,
        Limit: options.limit,
        ConsistentRead: true,
      }),
    );
    const items = (result.Items ?? []) as JournalEntry[];
    const last = result.LastEvaluatedKey?.sk as string | undefined;
    return { items, ...(last ? { nextCursor: last } : {}) };
  }

  async addDeadLetter(letter: DeadLetter): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'DLQ', sk: letter.id, ...letter } }));
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return (await this.queryAll('DLQ')) as unknown as DeadLetter[];
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'DLQ', sk: id }, ConsistentRead: true }));
    return result.Item as DeadLetter | undefined;
  }

  async markDeadLetterReplayed(id: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: 'DLQ', sk: id },
        UpdateExpression: 'SET replayedAt = :at',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async checkpoint(table: string): Promise<{ shardId: string; sequenceNumber: string } | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'CHECKPOINT', sk: table }, ConsistentRead: true }));
    return result.Item ? { shardId: result.Item.shardId as string, sequenceNumber: result.Item.sequenceNumber as string } : undefined;
  }

  async saveCheckpoint(table: string, shardId: string, sequenceNumber: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'CHECKPOINT', sk: table, shardId, sequenceNumber } }));
  }

  private queryAll(pk: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
  }
}
