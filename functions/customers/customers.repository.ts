import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { confirmErasureOnce } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import { expiryAfter, markerItem } from '../../shared/aws/idempotency';
import { conditionalWrite, transactWrite } from '../../shared/aws/transactions';
import type { CustomerActivity } from './domain/activity';
import { RETENTION_DAYS } from './domain/applied-events';
import { activityFromItem, storedActivityFromItem } from './customers.items';
import type { ActivityStore, StoredActivity } from './domain/track-activity';
import type { CustomersStore } from './domain/use-cases';

const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;
const ACTIVITY_SK = 'ACTIVITY';
/**
 * Markers of applied events expire after 90 days: longer than any redelivery window (EventBridge retries for
 * at most 24 h, our async max event age is 6 h, SQS keeps dead letters at most 14 days).
 */
const MARKER_RETENTION_SECONDS = RETENTION_DAYS * 24 * 3600;

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

  async getActivityForUpdate(customerId: string): Promise<StoredActivity | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: ACTIVITY_SK }, ConsistentRead: true }),
    );
    return result.Item ? storedActivityFromItem(customerId, result.Item) : undefined;
  }

  async hasApplied(customerId: string, eventId: string): Promise<boolean> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: `APPLIED#${eventId}` }, ConsistentRead: true }),
    );
    return result.Item !== undefined;
  }

  /**
   * One conditional write of the activity item, which carries the ids of the events it holds: the version condition
   * serializes events, the id in the item makes each apply once. Only when that set is full (see applied-events.ts)
   * does the event's marker item join it in a transaction, its condition refusing a second application.
   */
  async saveApplied(previousVersion: number, next: StoredActivity, change: { eventId: string; marker: boolean }, now: Date): Promise<ApplyOutcome> {
    const { version, ...activity } = next.activity;
    const activityPut = {
      TableName: this.tableName,
      Item: { pk: customerPk(activity.customerId), sk: ACTIVITY_SK, activity, appliedEvents: next.applied, version, updatedAt: now.toISOString() },
      ConditionExpression: previousVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :previous',
      ...(previousVersion === 0 ? {} : { ExpressionAttributeValues: { ':previous': previousVersion } }),
    };
    if (!change.marker) {
      return (await conditionalWrite(() => this.client.send(new PutCommand(activityPut)))) === 'done' ? 'applied' : 'conflict';
    }
    const outcome = await transactWrite(this.client, [
      {
        label: 'marker',
        item: markerItem({
          tableName: this.tableName,
          pk: customerPk(activity.customerId),
          sk: `APPLIED#${change.eventId}`,
          attributes: { appliedAt: now.toISOString() },
          expiresAt: expiryAfter(now, MARKER_RETENTION_SECONDS),
        }),
      },
      { label: 'activity', item: { Put: activityPut } },
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
