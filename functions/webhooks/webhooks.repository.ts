import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiryAfter, putMarkerOnce } from '../../shared/aws/idempotency';
import type { WebhookPlatform } from './domain/actions';
import type { DeliveryLog } from './domain/deliveries';

/**
 * The webhooks table: one item per delivery a platform made (pk WEBHOOK#<platform>#<store>, sk the delivery id),
 * kept 30 days — longer than any platform retries a delivery — then expired by TTL.
 */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;
const deliveryKey = (platform: WebhookPlatform, storeId: string) => `WEBHOOK#${platform}#${storeId}`;

export class DeliveryLogRepository implements DeliveryLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async alreadyDelivered(platform: WebhookPlatform, storeId: string, deliveryId: string): Promise<boolean> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: deliveryKey(platform, storeId), sk: deliveryId }, ConsistentRead: true }));
    return result.Item !== undefined;
  }

  async remember(platform: WebhookPlatform, storeId: string, deliveryId: string, at: Date): Promise<void> {
    // A concurrent duplicate may have remembered it first: its actions were idempotent, so either marker will do.
    await putMarkerOnce(this.client, {
      tableName: this.tableName,
      pk: deliveryKey(platform, storeId),
      sk: deliveryId,
      attributes: { type: 'webhookDelivery', receivedAt: at.toISOString() },
      expiresAt: expiryAfter(at, DELIVERY_RETENTION_SECONDS),
    });
  }
}
