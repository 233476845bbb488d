import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CustomerAtRisk, CustomerLapsed, JourneyStageChanged, WinBackOffered } from '../../events/journey';
import { dueIndexKeys, dueIndexPage } from '../../shared/aws/due-index';
import { expiryAfter, markerItem } from '../../shared/aws/idempotency';
import { queryAll } from '../../shared/aws/query';
import { transactWrite, type LabelledItem } from '../../shared/aws/transactions';
import { saveVersionedDocument } from '../../shared/aws/versioned';
import { confirmErasureOnce } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import { dueShard } from '../../shared/schedules/sweep';
import type { CounterRow } from './domain/analytics';
import type { ChurnReason } from './domain/churn';
import { emptyJourney, type Cause, type JourneyState } from './domain/journey';
import { decisionCounters, returnCounters, type JourneySettings, type WinBackDecision } from './domain/winback';
import type { WinBackStore } from './domain/winback-use-cases';
import { REVIEW_SHARDS, type AnalyticsStore, type JourneyChange, type JourneyStore } from './domain/use-cases';
import { countersFromItem, journeyFromItem, settingsFromItem, winBackFromItem } from './journey.items';

/**
 * The journey table (owned by this service alone):
 *   CUSTOMER#<id> / STATE            the customer's journey: records, milestones, stage, history, churn assessment;
 *                                    gsi1 REVIEW#<shard> by the assessment's review time (keys only), while one is due
 *   CUSTOMER#<id> / SEEN#<eventId>   a consumed event's marker (written with the state it changed; expires after
 *                                    MARKER_RETENTION, far beyond any redelivery: events older than 6 h are dropped)
 *   CUSTOMER#<id> / EVENT#<seq>      a stage change's outbox item; expires once relayed
 *   CUSTOMER#<id> / RISK#<overlay>#<last purchase>   CustomerAtRisk / CustomerLapsed's outbox item, once per lapse
 *   CUSTOMER#<id> / WINBACK          the latest win-back decision (offered or holdout), its return once one came
 *   CUSTOMER#<id> / WINBACK#<offerId>  WinBackOffered's outbox item; expires once relayed
 *   SETTINGS / CURRENT and V#<n>     the journey settings (the win-back rule) and their versions
 *   STATS#<group>#<shard> / <key>    counters (funnel: day, cohort: first-purchase month, activity: last-purchase day,
 *                                    totals: TOTALS, winback: WINBACK), split over COUNTER_SHARDS by customer so that busy days do not
 *                                    make every consumer's transaction race for one item; reads sum the shards
 */
export const COUNTER_SHARDS = 8;
const MARKER_RETENTION_SECONDS = 30 * 24 * 3600;
const EVENT_ITEM_RETENTION_SECONDS = 7 * 24 * 3600;
const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;
const statsPk = (group: string, shard: number) => `STATS#${group}#${shard}`;

type Label = 'state' | 'marker' | 'event' | 'counter' | 'decision';

export class JourneyRepository implements JourneyStore, AnalyticsStore, WinBackStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getJourney(customerId: string): Promise<JourneyState | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: 'STATE' }, ConsistentRead: true }));
    return result.Item ? journeyFromItem(result.Item) : undefined;
  }

  async commit(change: JourneyChange): Promise<'committed' | 'duplicate' | 'conflict'> {
    const { state } = change;
    const pk = customerPk(state.customerId);
    const at = new Date();
    const items: LabelledItem<Label>[] = [
      {
        label: 'state',
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              pk,
              sk: 'STATE',
              type: 'journey',
              ...state,
              ...(state.churn?.reviewAt ? dueIndexKeys(`REVIEW#${dueShard(state.customerId, REVIEW_SHARDS)}`, state.churn.reviewAt, state.customerId) : {}),
            },
            ...(change.expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': change.expectedVersion } }),
          },
        },
      },
    ];
    if (change.cause) {
      items.push({ label: 'marker', item: markerItem({ tableName: this.tableName, pk, sk: `SEEN#${change.cause.eventId}`, attributes: { type: 'seen', detailType: change.cause.detailType }, expiresAt: expiryAfter(at, MARKER_RETENTION_SECONDS) }) });
    }
    if (change.overlayEntered) {
      const { overlay, assessment } = change.overlayEntered;
      const contract = overlay === 'at_risk' ? CustomerAtRisk : CustomerLapsed;
      const data = { customerId: state.customerId, score: assessment.score, reasons: [...assessment.reasons], lastPurchaseAt: assessment.lastPurchaseAt, expectedGapDays: assessment.expectedGapDays, assessedAt: assessment.assessedAt };
      // One item per overlay and lapse (the last purchase names it): a reassessment rewrites the same event id,
      // which the relay does not publish again.
      items.push({
        label: 'event',
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              pk,
              sk: `RISK#${overlay}#${assessment.lastPurchaseAt}`,
              type: 'event',
              expiresAt: expiryAfter(at, EVENT_ITEM_RETENTION_SECONDS),
              [OUTBOX_ATTRIBUTE]: outboxRecord(contract, data, { eventId: `${contract.detailType}:${state.customerId}:${assessment.lastPurchaseAt}`, occurredAt: assessment.assessedAt }),
            },
          },
        },
      });
    }
    if (change.announce) {
      const entry = change.announce;
      const event = outboxRecord(
        JourneyStageChanged,
        { customerId: state.customerId, from: entry.from, to: entry.to, cause: entry.cause, changedAt: entry.at },
        { eventId: `JourneyStageChanged:${state.customerId}:${entry.seq}`, occurredAt: entry.at },
      );
      items.push({
        label: 'event',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk, sk: `EVENT#${String(entry.seq).padStart(6, '0')}`, type: 'event', expiresAt: expiryAfter(at, EVENT_ITEM_RETENTION_SECONDS), [OUTBOX_ATTRIBUTE]: event },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      });
    }
    const shard = dueShard(state.customerId, COUNTER_SHARDS);
    for (const counter of change.counters) {
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const adds = Object.entries(counter.add).map(([attribute, delta], index) => {
        names[`#a${index}`] = attribute;
        values[`:a${index}`] = delta;
        return `#a${index} :a${index}`;
      });
      items.push({
        label: 'counter',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: statsPk(counter.group, shard), sk: counter.key },
            UpdateExpression: `ADD ${adds.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
      });
    }
    const outcome = await transactWrite(this.client, items);
    if (outcome.kind === 'committed') return 'committed';
    // The marker decides only when the state was not what failed: a state conflict is re-read first, and the retry
    // then meets the marker if the other writer applied this very event.
    if (outcome.failed.includes('marker') && !outcome.failed.includes('state')) return 'duplicate';
    return 'conflict';
  }

  async dueReviews(shard: number, now: string, limit: number, cursor?: Record<string, unknown>) {
    const page = await dueIndexPage(this.client, this.tableName, `REVIEW#${shard}`, now, limit, cursor);
    return { items: page.keys.map(({ pk }) => ({ customerId: pk.slice('CUSTOMER#'.length) })), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  async counterRows(group: 'funnel' | 'cohort' | 'activity', from: string, to: string): Promise<CounterRow[]> {
    const shards = await Promise.all(
      Array.from({ length: COUNTER_SHARDS }, (_, shard) =>
        queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': statsPk(group, shard), ':from': from, ':to': to },
          ConsistentRead: true,
        }),
      ),
    );
    const byKey = new Map<string, Record<string, number>>();
    for (const item of shards.flat()) {
      const row = countersFromItem(item);
      const sum = byKey.get(row.key) ?? {};
      for (const [name, value] of Object.entries(row.values)) sum[name] = (sum[name] ?? 0) + value;
      byKey.set(row.key, sum);
    }
    return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, values]) => ({ key, values }));
  }

  async totals(): Promise<Record<string, number>> {
    return this.shardedSum('totals', 'TOTALS');
  }

  /** One counter item summed over its shards (a Get per shard, consistent: reports follow the latest writes). */
  private async shardedSum(group: string, sk: string): Promise<Record<string, number>> {
    const shards = await Promise.all(
      Array.from({ length: COUNTER_SHARDS }, (_, shard) => this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: statsPk(group, shard), sk }, ConsistentRead: true }))),
    );
    const sum: Record<string, number> = {};
    for (const result of shards) {
      if (!result.Item) continue;
      for (const [name, value] of Object.entries(countersFromItem(result.Item).values)) sum[name] = (sum[name] ?? 0) + value;
    }
    return sum;
  }

  async getSettings(): Promise<JourneySettings | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'SETTINGS', sk: 'CURRENT' }, ConsistentRead: true }));
    return result.Item ? settingsFromItem(result.Item) : undefined;
  }

  async saveSettings(settings: JourneySettings, previousVersion: number): Promise<'saved' | 'conflict'> {
    return saveVersionedDocument(this.client, this.tableName, { pk: 'SETTINGS', attribute: 'settings', version: settings.version, value: settings }, previousVersion);
  }

  async getWinBack(customerId: string): Promise<WinBackDecision | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: 'WINBACK' }, ConsistentRead: true }));
    return result.Item ? winBackFromItem(result.Item) : undefined;
  }

  async commitDecision(decision: WinBackDecision, expectedVersion: number, cause: Cause, offer: { readonly reasons: readonly ChurnReason[] } | undefined): Promise<'committed' | 'duplicate' | 'conflict'> {
    const pk = customerPk(decision.customerId);
    const at = new Date();
    const items: LabelledItem<Label>[] = [
      {
        label: 'decision',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk, sk: 'WINBACK', type: 'winBack', ...decision },
            ...(expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
          },
        },
      },
      { label: 'marker', item: markerItem({ tableName: this.tableName, pk, sk: `SEEN#${cause.eventId}`, attributes: { type: 'seen', detailType: cause.detailType }, expiresAt: expiryAfter(at, MARKER_RETENTION_SECONDS) }) },
      this.counterUpdate('winback', decision.customerId, 'WINBACK', decisionCounters(decision)),
    ];
    if (offer) {
      const data = {
        customerId: decision.customerId,
        offerId: decision.offerId,
        points: decision.points,
        ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}),
        score: decision.score,
        reasons: [...offer.reasons],
        atRiskAt: decision.atRiskAt,
        offeredAt: decision.decidedAt,
      };
      items.push({
        label: 'event',
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              pk,
              sk: `WINBACK#${decision.offerId}`,
              type: 'event',
              expiresAt: expiryAfter(at, EVENT_ITEM_RETENTION_SECONDS),
              [OUTBOX_ATTRIBUTE]: outboxRecord(WinBackOffered, data, { eventId: `WinBackOffered:${decision.offerId}`, occurredAt: decision.decidedAt }),
            },
          },
        },
      });
    }
    const outcome = await transactWrite(this.client, items);
    if (outcome.kind === 'committed') return 'committed';
    if (outcome.failed.includes('marker') && !outcome.failed.includes('decision')) return 'duplicate';
    return 'conflict';
  }

  async commitReturn(decision: WinBackDecision, returnedAt: string): Promise<'committed' | 'conflict'> {
    const outcome = await transactWrite<Label>(this.client, [
      {
        label: 'decision',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: customerPk(decision.customerId), sk: 'WINBACK' },
            UpdateExpression: 'SET returnedAt = :returnedAt',
            ConditionExpression: 'version = :version AND attribute_not_exists(returnedAt)',
            ExpressionAttributeValues: { ':returnedAt': returnedAt, ':version': decision.version },
          },
        },
      },
      this.counterUpdate('winback', decision.customerId, 'WINBACK', returnCounters(decision)),
    ]);
    return outcome.kind === 'committed' ? 'committed' : 'conflict';
  }

  async winBackTotals(): Promise<Record<string, number>> {
    return this.shardedSum('winback', 'WINBACK');
  }

  private counterUpdate(group: string, customerId: string, key: string, add: Record<string, number>): LabelledItem<Label> {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds = Object.entries(add).map(([attribute, delta], index) => {
      names[`#a${index}`] = attribute;
      values[`:a${index}`] = delta;
      return `#a${index} :a${index}`;
    });
    return {
      label: 'counter',
      item: { Update: { TableName: this.tableName, Key: { pk: statsPk(group, dueShard(customerId, COUNTER_SHARDS)), sk: key }, UpdateExpression: `ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } },
    };
  }

  /**
   * Erasure: the journey's records go (purchase times, answers, history, balance: what makes it this customer's), the
   * markers and outbox items with them; a tombstone stays so later events are not counted again, and the counters
   * keep the customer's anonymous contribution.
   */
  async eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number> {
    const pk = customerPk(customerId);
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
    for (const item of items) {
      if (item.sk === 'STATE') continue;
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }));
    }
    const hadJourney = items.some((item) => item.sk === 'STATE');
    // The tombstone replaces the state whatever its version: erasure wins over any consumer racing it (that consumer's
    // conditional write then fails, re-reads and finds the tombstone).
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk, sk: 'STATE', type: 'journeyErased', ...erasedJourney(customerId, erasedAt) } }));
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'journey', itemsErased: items.length, erasedAt });
    return hadJourney ? items.length : 0;
  }
}

/** What is left of an erased journey: nothing but the fact that it was erased. */
function erasedJourney(customerId: string, erasedAt: string): JourneyState {
  // The empty journey, with a version no later event's optimistic check can follow.
  return { ...emptyJourney(customerId), version: Number.MAX_SAFE_INTEGER, erasedAt };
}
