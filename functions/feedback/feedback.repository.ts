import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DetractorAlert, DetractorIdentified, PromoterIdentified, SurveyAnswered, SurveyRequested } from '../../events/feedback';
import type { EventContract } from '../../events/contract';
import { dueIndexKeys, dueIndexPage } from '../../shared/aws/due-index';
import { queryAll } from '../../shared/aws/query';
import { dueShard as shardOf } from '../../shared/schedules/sweep';
import { deploymentSecret, saveVersionedDocument } from '../../shared/aws/versioned';
import { isConditionalCheckFailure, transactWrite, type LabelledItem } from '../../shared/aws/transactions';
import { encodeCursor, InvalidCursorError, startKeyOf, type Page } from '../../shared/domain/pagination';
import { confirmErasureOnce, ERASED } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import type { FeedbackSettings } from './domain/settings';
import type { AnswersQuery, ContactStore, FeedbackEventName, FeedbackStore, RequestChange } from './domain/store';
import { newTokenKey, type AnswerEntry, type ContactBudget, type DayCounts, type SurveyKind, type SurveyRequest } from './domain/survey';
import { DUE_SHARDS } from './domain/use-cases';
import { answerFromItem, budgetFromItem, dayFromItem, requestFromItem, settingsFromItem } from './feedback.items';

/**
 * The feedback table (owned by this service alone):
 *   SETTINGS / CURRENT and V#<n>        the feedback settings and their versions
 *   SECRET / TOKEN_KEY                  the key response tokens are derived from (created once; never leaves the table)
 *   CUSTOMER#<id> / BUDGET              the contact budget: last ask (a survey or another service's contact), the
 *                                       one ask waiting, the follow-up riding on the last ask, the last detractor answer
 *   REQUEST#<id> / REQUEST              a survey request; gsi1 DUE#<shard> by due time while scheduled (keys only),
 *                                       gsi2 CUSTOMER#<id> newest first; once answered, gsi3 ANSWERS#<kind> newest first
 *   REQUEST#<id> / ANSWER               the answer again, small (who, the score, category and comment), in gsi3 under
 *                                       ANSWERS#<kind>#<category> newest first; written in the answer's transaction
 *   REQUEST#<id> / EVENT#<name>         an event's outbox item; expires once relayed (the link and a detractor's
 *                                       comment are not kept in it beyond that)
 *   METRICS#<kind> / DAY#<yyyy-mm-dd>   the day's counters, added in the transaction that counts
 */
const requestPk = (requestId: string) => `REQUEST#${requestId}`;
/** The answers index's partition: a kind's answers, or one category's of them. */
const answersPk = (kind: SurveyKind, category?: string) => (category ? `ANSWERS#${kind}#${category}` : `ANSWERS#${kind}`);
const answersSk = (answeredAt: string, requestId: string) => `${answeredAt}#${requestId}`;
const budgetKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'BUDGET' });
/** The condition of every budget write: the version read, or (0) that there is none yet. */
const budgetCondition = (expectedVersion: number) =>
  expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
/** Outbox items are read once by the stream; a week covers any replay of the stream (24 h retention). */
const EVENT_ITEM_RETENTION_SECONDS = 7 * 24 * 3600;
const CONTRACTS: Record<FeedbackEventName, EventContract> = { SurveyRequested, SurveyAnswered, PromoterIdentified, DetractorIdentified, DetractorAlert };

export function dueShard(requestId: string): number {
  return shardOf(requestId, DUE_SHARDS);
}

type Label = 'request' | 'answer' | 'budget' | 'event' | 'metrics';

export class FeedbackRepository implements FeedbackStore, ContactStore {
  private cachedSettings: { settings: FeedbackSettings | undefined; until: number } | undefined;
  private key: string | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getSettings(): Promise<FeedbackSettings | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'SETTINGS', sk: 'CURRENT' }, ConsistentRead: true }));
    return result.Item ? settingsFromItem(result.Item) : undefined;
  }

  async getSettingsCached(ttlMs = 10_000): Promise<FeedbackSettings | undefined> {
    if (this.cachedSettings && this.cachedSettings.until > Date.now()) return this.cachedSettings.settings;
    const settings = await this.getSettings();
    this.cachedSettings = { settings, until: Date.now() + ttlMs };
    return settings;
  }

  async saveSettings(settings: FeedbackSettings, previousVersion: number): Promise<'saved' | 'conflict'> {
    const outcome = await saveVersionedDocument(this.client, this.tableName, { pk: 'SETTINGS', attribute: 'settings', version: settings.version, value: settings }, previousVersion);
    this.cachedSettings = undefined;
    return outcome;
  }

  async tokenKey(): Promise<string> {
    this.key ??= await deploymentSecret(this.client, this.tableName, { pk: 'SECRET', sk: 'TOKEN_KEY' }, 'key', newTokenKey);
    return this.key;
  }

  async getBudget(customerId: string): Promise<ContactBudget | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: budgetKey(customerId), ConsistentRead: true }));
    return result.Item ? budgetFromItem(result.Item) : undefined;
  }

  /** The budget alone (a claim by another service's contact), conditioned on the version read. */
  async saveBudget(budget: ContactBudget, expectedVersion: number): Promise<'saved' | 'conflict'> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...budgetKey(budget.customerId), type: 'contactBudget', ...budget }, ...budgetCondition(expectedVersion) }));
      return 'saved';
    } catch (error) {
      // A lost race, or an ask or answer transaction writing the budget at this very moment: the caller reads again.
      if (isConditionalCheckFailure(error) || (error as { name?: unknown } | null)?.name === 'TransactionConflictException') return 'conflict';
      throw error;
    }
  }

  async getRequest(requestId: string): Promise<SurveyRequest | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: requestPk(requestId), sk: 'REQUEST' }, ConsistentRead: true }));
    return result.Item ? requestFromItem(result.Item) : undefined;
  }

  async commit(change: RequestChange): Promise<'committed' | 'conflict' | 'exists'> {
    const { request } = change;
    const items: LabelledItem<Label>[] = [
      {
        label: 'request',
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              pk: requestPk(request.requestId),
              sk: 'REQUEST',
              type: 'surveyRequest',
              ...request,
              // `expiresAt` is the table's TTL attribute (epoch seconds): the link's expiry is stored under its own name,
              // so a request is never deleted when its link lapses.
              expiresAt: undefined,
              linkExpiresAt: request.expiresAt,
              ...(request.status === 'scheduled' ? dueIndexKeys(`DUE#${dueShard(request.requestId)}`, request.dueAt, request.requestId) : {}),
              gsi2pk: `CUSTOMER#${request.customerId}`,
              gsi2sk: `${request.createdAt}#${request.requestId}`,
              ...(request.answer ? { gsi3pk: answersPk(request.kind), gsi3sk: answersSk(request.answer.answeredAt, request.requestId) } : {}),
            },
            ...(change.expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': change.expectedVersion } }),
          },
        },
      },
    ];
    if (change.count?.answered && request.answer) {
      // The answer once more, small, in its category's partition of the answers index (the request is in its kind's).
      items.push({
        label: 'answer',
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              pk: requestPk(request.requestId),
              sk: 'ANSWER',
              type: 'surveyAnswer',
              requestId: request.requestId,
              customerId: request.customerId,
              kind: request.kind,
              trigger: request.trigger,
              answer: request.answer,
              gsi3pk: answersPk(request.kind, request.answer.category),
              gsi3sk: answersSk(request.answer.answeredAt, request.requestId),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      });
    }
    if (change.budget) {
      items.push({
        label: 'budget',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...budgetKey(request.customerId), type: 'contactBudget', ...change.budget.next },
            ...budgetCondition(change.budget.expectedVersion),
          },
        },
      });
    }
    for (const announcement of change.announce) {
      const event = outboxRecord(CONTRACTS[announcement.event], announcement.data as never, { eventId: `${announcement.event}:${request.requestId}`, occurredAt: announcement.at });
      items.push({
        label: 'event',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk: requestPk(request.requestId), sk: `EVENT#${announcement.event}`, type: 'event', expiresAt: Math.floor(Date.parse(announcement.at) / 1000) + EVENT_ITEM_RETENTION_SECONDS, [OUTBOX_ATTRIBUTE]: event },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      });
    }
    if (change.count) {
      const adds: string[] = [];
      const values: Record<string, unknown> = { ':one': 1, ':day': change.count.day };
      if (change.count.requested) adds.push('requested :one');
      if (change.count.answered) {
        adds.push('responses :one');
        const counter = { promoter: 'promoters', passive: 'passives', detractor: 'detractors', satisfied: 'satisfied', unsatisfied: 'unsatisfied' }[change.count.answered];
        adds.push(`${counter} :one`);
      }
      items.push({
        label: 'metrics',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: `METRICS#${change.count.kind}`, sk: `DAY#${change.count.day}` },
            UpdateExpression: `SET #day = :day ADD ${adds.join(', ')}`,
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: values,
          },
        },
      });
    }
    const outcome = await transactWrite(this.client, items);
    if (outcome.kind === 'committed') return 'committed';
    return change.expectedVersion === 0 && outcome.failed.includes('request') ? 'exists' : 'conflict';
  }

  async dueRequests(shard: number, now: string, limit: number, cursor?: Record<string, unknown>) {
    const page = await dueIndexPage(this.client, this.tableName, `DUE#${shard}`, now, limit, cursor);
    return { items: page.keys.map(({ pk }) => ({ requestId: pk.slice('REQUEST#'.length) })), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  async metricsDays(kind: SurveyKind, from: string, to: string): Promise<DayCounts[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `METRICS#${kind}`, ':from': `DAY#${from}`, ':to': `DAY#${to}` },
    });
    return items.map(dayFromItem);
  }

  async customerRequests(customerId: string, limit: number, cursor?: string): Promise<Page<SurveyRequest>> {
    const start = startKeyOf(cursor, 'gsi2pk', `CUSTOMER#${customerId}`);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (result.Items ?? []).map(requestFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async answers(query: AnswersQuery): Promise<Page<AnswerEntry>> {
    const pk = answersPk(query.kind, query.category);
    // Days as bounds of the sort key `<answeredAt>#<requestId>`: "2026-12-01" sorts before every time of that day, and
    // "2026-12-01T~" after every one.
    const lower = query.from ?? '0000';
    const upper = `${query.to ?? '9999-12-31'}T~`;
    const start = startKeyOf(query.cursor, 'gsi3pk', pk);
    // A cursor from the same partition but another range would be refused by DynamoDB: it is this listing's or none.
    if (start && (typeof start.gsi3sk !== 'string' || start.gsi3sk < lower || start.gsi3sk > upper)) throw new InvalidCursorError('cursor is outside this range');
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :lower AND :upper',
        ExpressionAttributeValues: { ':pk': pk, ':lower': lower, ':upper': upper },
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (result.Items ?? []).map(answerFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** Every request of the customer, for the export. */
  async allCustomerRequests(customerId: string): Promise<SurveyRequest[]> {
    const items = await queryAll(this.client, { TableName: this.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` } });
    return items.map(requestFromItem);
  }

  /**
   * Erases the customer's comments and email from every request, and the event items that still hold them; scores,
   * categories and the day's counters stay (they are the anonymous figures the metrics report).
   */
  async eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number> {
    const requests = await this.allCustomerRequests(customerId);
    for (const request of requests) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestPk(request.requestId), sk: 'REQUEST' },
          UpdateExpression: `SET erasedAt = :at${request.answer?.comment ? ', answer.#comment = :erased' : ''} REMOVE email, properties`,
          ...(request.answer?.comment ? { ExpressionAttributeNames: { '#comment': 'comment' } } : {}),
          ExpressionAttributeValues: { ':at': erasedAt, ...(request.answer?.comment ? { ':erased': ERASED } : {}) },
        }),
      );
      if (request.answer?.comment) {
        // The answer item holds the comment too (answers recorded before it existed have none: nothing to erase).
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: requestPk(request.requestId), sk: 'ANSWER' },
              UpdateExpression: 'SET answer.#comment = :erased',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#comment': 'comment' },
              ExpressionAttributeValues: { ':erased': ERASED },
            }),
          );
        } catch (error) {
          if (!isConditionalCheckFailure(error)) throw error;
        }
      }
      const events = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': requestPk(request.requestId), ':events': 'EVENT#' },
      });
      for (const event of events) {
        await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { pk: event.pk, sk: event.sk }, UpdateExpression: `REMOVE ${OUTBOX_ATTRIBUTE}` }));
      }
    }
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'feedback', itemsErased: requests.length, erasedAt });
    return requests.length;
  }
}
