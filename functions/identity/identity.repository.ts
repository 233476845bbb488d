import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../shared/aws/query';
import { isConditionalCheckFailure } from '../../shared/aws/transactions';
import type { ApiKeyRecord, ApiKeyStore } from './domain/api-keys';

const keyPk = (keyId: string) => `APIKEY#${keyId}`;
const storePk = (storeId: string) => `STORE#${storeId}`;

/** The identity table: stores, and API keys addressed by key id (gsi1 lists a store's keys). */
export class IdentityRepository implements ApiKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: keyPk(keyId), sk: 'APIKEY' } }));
    return result.Item ? toApiKey(result.Item) : undefined;
  }

  /** Creates the store if it does not exist yet, and the key, in one transaction. */
  async createApiKey(record: ApiKeyRecord): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: { pk: storePk(record.storeId), sk: 'STORE' },
              UpdateExpression: 'SET storeId = :storeId, createdAt = if_not_exists(createdAt, :now), #type = :type',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':storeId': record.storeId, ':now': record.createdAt, ':type': 'store' },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: keyPk(record.keyId),
                sk: 'APIKEY',
                type: 'apiKey',
                gsi1pk: storePk(record.storeId),
                gsi1sk: `APIKEY#${record.createdAt}#${record.keyId}`,
                ...record,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  async listApiKeys(storeId: string): Promise<ApiKeyRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': storePk(storeId), ':prefix': 'APIKEY#' },
    });
    return items.map(toApiKey);
  }

  /** Revokes a key; revoking twice is harmless. Returns undefined for an unknown key id. */
  async revokeApiKey(keyId: string, revokedAt: string): Promise<ApiKeyRecord | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keyPk(keyId), sk: 'APIKEY' },
          UpdateExpression: 'SET #status = :revoked, revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':now': revokedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? toApiKey(result.Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      throw error;
    }
  }
}

export type WebhookPlatform = 'shopify' | 'stripe' | 'woocommerce';

/** Webhook signing secrets per store and platform. Never logged, never returned by any API. */
export class WebhookSecrets {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async set(storeId: string, platform: WebhookPlatform, secret: string, at: string): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: { pk: storePk(storeId), sk: 'STORE' },
              UpdateExpression: 'SET storeId = :storeId, createdAt = if_not_exists(createdAt, :now), #type = :type',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':storeId': storeId, ':now': at, ':type': 'store' },
            },
          },
          { Put: { TableName: this.tableName, Item: { pk: storePk(storeId), sk: `WEBHOOK#${platform}`, type: 'webhookSecret', secret, updatedAt: at } } },
        ],
      }),
    );
  }

  async get(storeId: string, platform: WebhookPlatform): Promise<string | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: storePk(storeId), sk: `WEBHOOK#${platform}` }, ConsistentRead: true }));
    return typeof result.Item?.secret === 'string' ? result.Item.secret : undefined;
  }
}

const apiKeyItem = z.object({
  keyId: z.string(),
  storeId: z.string(),
  secretHash: z.string(),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});

/** A stored API key, parsed (never cast). */
function toApiKey(item: Record<string, unknown>): ApiKeyRecord {
  return parseItem(apiKeyItem, item, 'API key');
}
