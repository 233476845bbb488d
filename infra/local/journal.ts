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
import { GroupCommit } from './concurrency';

/** DynamoDB's limit of items per TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** A change to a delivery, queued for the next group write. */
type DeliveryWrite = { readonly kind: 'state'; readonly eventKey: string; readonly state: DeliveryState } | { readonly kind: 'pending'; readonly eventKey: string; readonly rule: string };

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
  recordEvent(entry: JournalEntry): Promise<void> {
    return this.recordEvents([entry]);
  }

  /**
   * Records accepted events, each with its pending deliveries, before PutEvents is acknowledged. Events recorded while
   * another recording is under way are written together in one transaction (group commit, up to 100 items per
   * transaction; an event and its pending deliveries always share one).
   */
  recordEvents(entries: readonly JournalEntry[]): Promise<void> {
    return this.eventWrites.add(...entries);
  }

  private readonly eventWrites = new GroupCommit<JournalEntry>((entries) =>
    this.transactInGroups(
      entries.map((entry) => [
        { Put: { TableName: this.tableName, Item: { pk: 'EVENT', sk: entry.key, ...entry } } },
        ...Object.values(entry.deliveries).map((delivery) => ({
          Put: { TableName: this.tableName, Item: { pk: 'PENDING', sk: `${entry.key}|${delivery.rule}`, eventKey: entry.key, rule: delivery.rule } },
        })),
      ]),
    ),
  );

  /** Delivery states and pending markers, written in groups. */
  private readonly deliveryWrites = new GroupCommit<DeliveryWrite>((writes) => this.writeDeliveries(writes));

  async getEvent(key: string): Promise<JournalEntry | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'EVENT', sk: key }, ConsistentRead: true }));
    return result.Item as JournalEntry | undefined;
  }

  /**
   * A delivery's new state (and, once it is no longer pending, the end of its pending marker). Updates queued while
   * another group is being written go together in the next transaction: one per 100 items instead of two calls per
   * delivery. Crash-safe as before: an event's state and its markers change in the same transaction, and a marker not
   * yet removed when the runtime dies is delivered again on the next start (at least once, as Lambda's async
   * invocation; consumers are idempotent).
   */
  updateDelivery(eventKey: string, state: DeliveryState): Promise<void> {
    return this.deliveryWrites.add({ kind: 'state', eventKey, state });
  }

  /** Marks a delivery pending again (a replay), in order with the delivery updates queued before it. */
  markPending(eventKey: string, rule: string): Promise<void> {
    return this.deliveryWrites.add({ kind: 'pending', eventKey, rule });
  }

  private async writeDeliveries(writes: readonly DeliveryWrite[]): Promise<void> {
    // Per event: the last state of each rule, and the last word on each pending marker (put or delete), in order.
    const events = new Map<string, { states: Map<string, DeliveryState>; markers: Map<string, 'put' | 'delete'> }>();
    for (const write of writes) {
      let event = events.get(write.eventKey);
      if (!event) events.set(write.eventKey, (event = { states: new Map(), markers: new Map() }));
      if (write.kind === 'pending') {
        event.markers.set(write.rule, 'put');
      } else {
        event.states.set(write.state.rule, write.state);
        if (write.state.status !== 'pending') event.markers.set(write.state.rule, 'delete');
      }
    }
    await this.transactInGroups(
      [...events].map(([eventKey, { states, markers }]) => {
        const rules = [...states.values()];
        const update = rules.length === 0
          ? []
          : [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk: 'EVENT', sk: eventKey },
                  UpdateExpression: `SET ${rules.map((_, index) => `deliveries.#r${index} = :s${index}`).join(', ')}`,
                  ExpressionAttributeNames: Object.fromEntries(rules.map((state, index) => [`#r${index}`, state.rule])),
                  ExpressionAttributeValues: Object.fromEntries(rules.map((state, index) => [`:s${index}`, state])),
                },
              },
            ];
        const marker = (rule: string) => ({ pk: 'PENDING', sk: `${eventKey}|${rule}` });
        return [
          ...update,
          ...[...markers].map(([rule, action]) =>
            action === 'put'
              ? { Put: { TableName: this.tableName, Item: { ...marker(rule), eventKey, rule } } }
              : { Delete: { TableName: this.tableName, Key: marker(rule) } },
          ),
        ];
      }),
    );
  }

  /**
   * Writes groups of items, each group atomically, in as few transactions as fit (≤ 100 items each, a group never
   * split); a lone item is a plain write. If a transaction of several groups fails, each group is tried alone, so one
   * bad group cannot hold the others back (the error still reaches every caller of this flush, which retries).
   */
  private async transactInGroups(groups: readonly TransactItem[][]): Promise<void> {
    const transactions: TransactItem[][][] = [];
    let current: TransactItem[][] = [];
    let size = 0;
    for (const group of groups) {
      if (group.length === 0) continue;
      if (size + group.length > MAX_TRANSACTION_ITEMS && current.length > 0) {
        transactions.push(current);
        current = [];
        size = 0;
      }
      current.push(group);
      size += group.length;
    }
    if (current.length > 0) transactions.push(current);
    let failure: unknown;
    for (const transaction of transactions) {
      try {
        await this.writeAtomically(transaction.flat());
      } catch (error) {
        if (transaction.length === 1) {
          failure ??= error;
          continue;
        }
        for (const group of transaction) await this.writeAtomically(group).catch((groupError: unknown) => (failure ??= groupError));
      }
    }
    if (failure !== undefined) throw failure;
  }

  private async writeAtomically(items: TransactItem[]): Promise<void> {
    const [only] = items;
    if (items.length === 1 && only) {
      if (only.Put) return void (await this.client.send(new PutCommand(only.Put)));
      if (only.Delete) return void (await this.client.send(new DeleteCommand(only.Delete)));
      if (only.Update) return void (await this.client.send(new UpdateCommand(only.Update)));
    }
    await this.client.send(new TransactWriteCommand({ TransactItems: items }));
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
