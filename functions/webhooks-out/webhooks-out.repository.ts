import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dueIndexKeys, dueIndexPage } from '../../shared/aws/due-index';
import { queryAll } from '../../shared/aws/query';
import { conditionalWrite } from '../../shared/aws/transactions';
import { decodeCursor, encodeCursor, InvalidCursorError, type Page } from '../../shared/domain/pagination';
import { confirmErasureOnce } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import { WebhookEndpointDisabled } from '../../events/webhooks-out';
import type { Delivery, Message } from './domain/delivery';
import { hostOf, type Endpoint } from './domain/endpoint';
import { LOG_RETENTION_DAYS } from './domain/schedule';
import type { WebhooksOutStore } from './domain/store';
import { shardOf } from './domain/use-cases';
import { deliveryFromItem, endpointFromItem, messageFromItem } from './webhooks-out.items';

/**
 * The webhooks-out table. Endpoints: pk ENDPOINT, sk <endpointId> (one partition: the fan-out reads them all with one
 * consistent Query). Messages: pk MESSAGE#<messageId> (the body every attempt signs; deleted by TTL after the payload
 * retention). Deliveries: pk DELIVERIES#<endpointId>, sk <messageId> (ids sort by event time, so the log pages newest
 * first and replay "since" is a key range), kept for the log retention. gsi1: pending deliveries by due time (keys
 * only, sharded); gsi2: a customer's messages and deliveries (keys only), for export and erasure.
 */
type Item = Record<string, unknown>;
const ENDPOINT_PK = 'ENDPOINT';
const deliveriesPk = (endpointId: string) => `DELIVERIES#${endpointId}`;
const messagePk = (messageId: string) => `MESSAGE#${messageId}`;
const customerKeys = (customerId: string | undefined, sk: string) => (customerId ? { gsi2pk: `CUST#${customerId}`, gsi2sk: sk } : {});
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export class WebhooksOutRepository implements WebhooksOutStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async listEndpoints(): Promise<Endpoint[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ENDPOINT_PK },
      ConsistentRead: true,
    });
    return items.map(endpointFromItem);
  }

  async getEndpoint(endpointId: string): Promise<Endpoint | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: ENDPOINT_PK, sk: endpointId }, ConsistentRead: true }));
    return result.Item ? endpointFromItem(result.Item) : undefined;
  }

  async saveEndpoint(endpoint: Endpoint, expectedVersion: number, announce?: { disabled: true }): Promise<'saved' | 'conflict'> {
    const disabledAt = endpoint.disabled?.at ?? endpoint.updatedAt;
    const outbox =
      announce && endpoint.disabled && endpoint.disabled.reason !== 'manual'
        ? outboxRecord(
            WebhookEndpointDisabled,
            { endpointId: endpoint.endpointId, host: hostOf(endpoint.url), reason: endpoint.disabled.reason, ...(endpoint.failingSince ? { failingSince: endpoint.failingSince } : {}), disabledAt },
            { eventId: `WebhookEndpointDisabled:${endpoint.endpointId}:${endpoint.version}`, occurredAt: disabledAt },
          )
        : undefined;
    const outcome = await conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ENDPOINT_PK, sk: endpoint.endpointId, endpoint, version: endpoint.version, ...(outbox ? { [OUTBOX_ATTRIBUTE]: outbox } : {}) },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      ),
    );
    return outcome === 'done' ? 'saved' : 'conflict';
  }

  async deleteEndpoint(endpointId: string): Promise<'deleted' | 'missing'> {
    const outcome = await conditionalWrite(() =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: ENDPOINT_PK, sk: endpointId }, ConditionExpression: 'attribute_exists(pk)' })),
    );
    return outcome === 'done' ? 'deleted' : 'missing';
  }

  async putMessage(message: Message, expiresAt: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: messagePk(message.messageId), sk: 'MESSAGE', message, expiresAt: epochSeconds(expiresAt), ...customerKeys(message.customerId, `MESSAGE#${message.messageId}`) },
      }),
    );
  }

  async getMessage(messageId: string): Promise<Message | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: messagePk(messageId), sk: 'MESSAGE' }, ConsistentRead: true }));
    // DynamoDB deletes expired items within days, not at once: an item past its time is treated as gone.
    if (!result.Item || (typeof result.Item.expiresAt === 'number' && result.Item.expiresAt * 1000 <= Date.now())) return undefined;
    return messageFromItem(result.Item);
  }

  private deliveryItem(delivery: Delivery): Item {
    return {
      pk: deliveriesPk(delivery.endpointId),
      sk: delivery.messageId,
      delivery,
      version: delivery.version,
      status: delivery.status,
      expiresAt: epochSeconds(delivery.createdAt) + LOG_RETENTION_DAYS * 86_400,
      ...(delivery.status === 'pending' && delivery.nextAttemptAt
        ? dueIndexKeys(`DUE#${shardOf(delivery.endpointId, delivery.messageId)}`, delivery.nextAttemptAt, `${delivery.endpointId}#${delivery.messageId}`)
        : {}),
      ...customerKeys(delivery.customerId, `DELIVERY#${delivery.endpointId}#${delivery.messageId}`),
    };
  }

  async createDelivery(delivery: Delivery): Promise<'created' | 'exists'> {
    const outcome = await conditionalWrite(() =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: this.deliveryItem(delivery), ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    return outcome === 'done' ? 'created' : 'exists';
  }

  async getDelivery(endpointId: string, messageId: string): Promise<Delivery | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: deliveriesPk(endpointId), sk: messageId }, ConsistentRead: true }));
    return result.Item ? deliveryFromItem(result.Item) : undefined;
  }

  async saveDelivery(delivery: Delivery, expectedVersion: number): Promise<'saved' | 'conflict'> {
    const outcome = await conditionalWrite(() =>
      this.client.send(
        new PutCommand({ TableName: this.tableName, Item: this.deliveryItem(delivery), ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
      ),
    );
    return outcome === 'done' ? 'saved' : 'conflict';
  }

  private startKey(cursor: string | undefined, endpointId: string): Item | undefined {
    if (cursor === undefined) return undefined;
    const start = decodeCursor(cursor);
    if (!start || start.pk !== deliveriesPk(endpointId) || typeof start.sk !== 'string') throw new InvalidCursorError('cursor does not belong to this listing');
    return start;
  }

  async listDeliveries(endpointId: string, options: { limit: number; cursor?: string; status?: Delivery['status'] }): Promise<Page<Delivery>> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ...(options.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ExpressionAttributeValues: { ':pk': deliveriesPk(endpointId), ...(options.status ? { ':status': options.status } : {}) },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: this.startKey(options.cursor, endpointId),
        ConsistentRead: true,
      }),
    );
    return { items: (result.Items ?? []).map(deliveryFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async failedDeliveriesSince(endpointId: string, sinceMessageId: string, options: { limit: number; cursor?: string }): Promise<Page<Delivery>> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        FilterExpression: '#status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': deliveriesPk(endpointId), ':since': sinceMessageId, ':failed': 'failed' },
        Limit: options.limit,
        ExclusiveStartKey: this.startKey(options.cursor, endpointId),
        ConsistentRead: true,
      }),
    );
    return { items: (result.Items ?? []).map(deliveryFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async dueDeliveries(shard: number, now: string, limit: number, cursor?: Record<string, unknown>) {
    const page = await dueIndexPage(this.client, this.tableName, `DUE#${shard}`, now, limit, cursor);
    const items = page.keys.map(({ pk, sk }) => {
      if (!pk.startsWith('DELIVERIES#')) throw new Error(`due index entry ${pk}/${sk} is not a delivery`);
      return { endpointId: pk.slice('DELIVERIES#'.length), messageId: sk };
    });
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  // ---- privacy

  private async customerKeysOf(customerId: string): Promise<{ pk: string; sk: string }[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `CUST#${customerId}` },
    });
    return items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
  }

  /** The customer's deliveries (log entries) and the payloads still held about them. */
  async exportCustomer(customerId: string): Promise<{ deliveries: Delivery[]; messages: Message[] }> {
    const deliveries: Delivery[] = [];
    const messages: Message[] = [];
    for (const key of await this.customerKeysOf(customerId)) {
      const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      if (!result.Item) continue;
      if (key.pk.startsWith('MESSAGE#')) messages.push(messageFromItem(result.Item));
      else deliveries.push(deliveryFromItem(result.Item));
    }
    return { deliveries, messages };
  }

  /**
   * Deletes the payloads about the customer (what was sent holds their data) and takes their id off the delivery log,
   * which keeps only anonymous facts (event type, time, status, latency). Confirms once.
   */
  async eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number> {
    let erased = 0;
    for (const key of await this.customerKeysOf(customerId)) {
      if (key.pk.startsWith('MESSAGE#')) {
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
      } else {
        const outcome = await conditionalWrite(() =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: key,
              UpdateExpression: 'REMOVE gsi2pk, gsi2sk, #delivery.customerId',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#delivery': 'delivery' },
            }),
          ),
        );
        if (outcome !== 'done') continue;
      }
      erased++;
    }
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'webhooks-out', itemsErased: erased, erasedAt });
    return erased;
  }
}
