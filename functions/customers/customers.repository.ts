import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { confirmErasureOnce } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import { expiryAfter, markerItem } from '../../shared/aws/idempotency';
import { transactWrite } from '../../shared/aws/transactions';
import type { CustomerActivity } from './domain/activity';
import { activityFromItem } from './customers.items';
import type { ActivityStore } from './domain/track-activity';
import type { CustomersStore } from './domain/use-cases';

const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;
const ACTIVITY_SK = 'ACTIVITY';
/**
 * Markers of applied events expire after 90 days: longer than any redelivery window (EventBridge retries for
 * at most 24 h, our async max event age is 6 h, SQS keeps dead letters at most 14 days).
 */
const MARKER_RETENTION_SECONDS = 90 * 24 * 3600;

export type ApplyOutcome = 'applied' | 'already-applied' | 'conflict';

export class CustomersRepository implements CustomersStore, ActivityStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getActivity(customerId: string): Promise<CustomerActivity | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: ACTIVITY_SK }, ConsistentRead: true }),
    );
    return result.Item ? activityFromItem(customerId, result.Item) : undefined;
  }

  async hasApplied(customerId: string, eventId: string): Promise<boolean> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: `APPLIED#${eventId}` }, ConsistentRead: true }),
    );
    return result.Item !== undefined;
  }

  /**
   * Writes the new summary and the event's marker together: the marker's condition makes the effect happen once
   * however often (or concurrently) the event arrives; the version condition serializes different events.
   */
  async saveApplied(previousVersion: number, next: CustomerActivity, eventId: string, now: Date): Promise<ApplyOutcome> {
    const { version, ...activity } = next;
    const outcome = await transactWrite(this.client, [
      {
        label: 'marker',
        item: markerItem({
          tableName: this.tableName,
          pk: customerPk(next.customerId),
          sk: `APPLIED#${eventId}`,
          attributes: { appliedAt: now.toISOString() },
          expiresAt: expiryAfter(now, MARKER_RETENTION_SECONDS),
        }),
      },
      {
        label: 'activity',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk: customerPk(next.customerId), sk: ACTIVITY_SK, activity, version, updatedAt: now.toISOString() },
            ConditionExpression: previousVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :previous',
            ...(previousVersion === 0 ? {} : { ExpressionAttributeValues: { ':previous': previousVersion } }),
          },
        },
      },
    ]);
    if (outcome.kind === 'committed') return 'applied';
    return outcome.failed.includes('marker') ? 'already-applied' : 'conflict';
  }

  /** Records an erasure request; its stream record becomes CustomerErasureRequested for every service. */
  async requestErasure(request: { requestId: string; customerId: string; requestedBy: string; requestedAt: string }): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: customerPk(request.customerId),
          sk: `ERASURE#${request.requestId}`,
          type: 'erasureRequest',
          requestedBy: request.requestedBy,
          requestedAt: request.requestedAt,
          [OUTBOX_ATTRIBUTE]: outboxRecord(CustomerErasureRequested, request, { eventId: `CustomerErasureRequested:${request.requestId}`, occurredAt: request.requestedAt }),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Activity holds only anonymous totals: nothing personal to erase here, so this confirms (once). */
  async confirmErasure(requestId: string, customerId: string, erasedAt: string): Promise<void> {
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'customers', itemsErased: 0, erasedAt });
  }
}
