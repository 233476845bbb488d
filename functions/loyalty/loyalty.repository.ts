import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { markerItem } from '../../shared/aws/idempotency';
import { dueIndexPage } from '../../shared/aws/due-index';
import { queryAll } from '../../shared/aws/query';
import { conditionalWrite, isConditionalCheckFailure, transactWrite, type LabelledItem, type TransactItem } from '../../shared/aws/transactions';
import { decodeCursor, encodeCursor, InvalidCursorError, startKeyOf, type Page } from '../../shared/domain/pagination';
import { ERASED, confirmErasureOnce } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, type OutboxRecord } from '../../shared/events/outbox';
import { addDays, dueShard, newAccount, type Account, type LedgerEntry, type Lot } from './domain/account';
import type { Plan } from './domain/operations';
import type { Program } from './domain/program';
import type { EarnRecord, Redemption, Reward, SpendRecord } from './domain/records';
import type { CommitIntent, CommitOutcome, ConflictCause, DueKind, LoyaltyStore, MarkerKind } from './domain/store';
import type { LoyaltyPrivacyStore } from './domain/privacy';
import { accountFromItem, couponFromItem, earnFromItem, entryFromItem, lotFromItem, programFromItem, redemptionFromItem, rewardFromItem, spendFromItem } from './loyalty.items';

/**
 * The loyalty table. Per customer (pk CUST#<id>): ACCOUNT, LEDGER#<seq>, LOT#<lotId>, EARN#<store>#<order>,
 * SPEND#<time>#..., TIER#<seq>, ADJUST#<id>, IDEMP#<key>, CREDIT#referral:<referralId>:<role> (markers sort outside
 * LOT#…SPEND#, which a balance read queries). Elsewhere: PROGRAM (CURRENT and V#<n>), REWARD/<id>,
 * REDEMPTION#<id> (gsi2 lists a customer's), COUPON#<code>. gsi1 is the due-time index (DUE#<kind>#<shard>,
 * sorted by due time) that the schedules page through — never a Scan.
 */
type Item = Record<string, unknown>;
type RawTransactItem = TransactItem;

const customerPk = (customerId: string) => `CUST#${customerId}`;
const pad = (seq: number) => String(seq).padStart(10, '0');

export class LoyaltyRepository implements LoyaltyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  // ---- program

  private cachedProgram: { program: Program | undefined; until: number } | undefined;

  /**
   * The program for read paths (balance, rewards), cached per container for a few seconds so a balance read is one
   * GetItem and one Query. Awards and redemptions read it fresh.
   */
  async getProgramCached(ttlMs = 10_000): Promise<Program | undefined> {
    if (this.cachedProgram && this.cachedProgram.until > Date.now()) return this.cachedProgram.program;
    const program = await this.getProgram();
    this.cachedProgram = { program, until: Date.now() + ttlMs };
    return program;
  }

  async getProgram(): Promise<Program | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'PROGRAM', sk: 'CURRENT' }, ConsistentRead: true }));
    return result.Item ? programFromItem(result.Item) : undefined;
  }

  /** Saves a new version; fails with 'conflict' when another change landed since `previousVersion`. */
  async saveProgram(program: Program, previousVersion: number): Promise<'saved' | 'conflict'> {
    const outcome = await transactWrite(this.client, [
      { label: 'version', item: { Put: { TableName: this.tableName, Item: { pk: 'PROGRAM', sk: `V#${pad(program.version)}`, program }, ConditionExpression: 'attribute_not_exists(pk)' } } },
      {
        label: 'current',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk: 'PROGRAM', sk: 'CURRENT', program, version: program.version },
            ConditionExpression: previousVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :previous',
            ...(previousVersion === 0 ? {} : { ExpressionAttributeValues: { ':previous': previousVersion } }),
          },
        },
      },
    ]);
    return outcome.kind === 'committed' ? 'saved' : 'conflict';
  }

  // ---- accounts, ledger, lots

  async getAccount(customerId: string): Promise<Account> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: 'ACCOUNT' }, ConsistentRead: true }));
    return result.Item ? accountFromItem(result.Item) : newAccount(customerId);
  }

  /** Lots and in-window spend in one Query (their sort keys are adjacent): LOT# … SPEND#. */
  async lotsAndSpend(customerId: string): Promise<{ lots: Lot[]; spend: SpendRecord[] }> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': customerPk(customerId), ':from': 'LOT#', ':to': 'SPEND#\uffff' },
      ConsistentRead: true,
    });
    return {
      lots: items.filter((item) => String(item.sk).startsWith('LOT#')).map(lotFromItem),
      spend: items.filter((item) => String(item.sk).startsWith('SPEND#')).map(spendFromItem),
    };
  }

  async spendSince(customerId: string, since: string): Promise<number> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': customerPk(customerId), ':from': `SPEND#${since}`, ':to': 'SPEND#\uffff' },
      ConsistentRead: true,
    });
    // Exact with BigInt; then at most 2^53 − 1, which changes no decision: the sum is only compared with tier
    // thresholds, and those are at most 10^11 minor units.
    const total = items.reduce((sum, item) => sum + BigInt(spendFromItem(item).baseAmountMinor), 0n);
    return total > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(total);
  }

  async getLot(customerId: string, lotId: string): Promise<Lot | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: `LOT#${lotId}` }, ConsistentRead: true }));
    return result.Item ? lotFromItem(result.Item) : undefined;
  }

  async getEarn(customerId: string, storeId: string, orderId: string): Promise<EarnRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: `EARN#${storeId}#${orderId}` }, ConsistentRead: true }),
    );
    return result.Item ? earnFromItem(result.Item) : undefined;
  }

  async ledger(customerId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>> {
    let start: Record<string, unknown> | undefined;
    if (cursor !== undefined) {
      start = decodeCursor(cursor);
      if (!start || start.pk !== customerPk(customerId) || !String(start.sk).startsWith('LEDGER#')) throw new InvalidCursorError();
    }
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': customerPk(customerId), ':prefix': 'LEDGER#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    return { items: (result.Items ?? []).map(entryFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async getMarker(customerId: string, kind: MarkerKind, key: string): Promise<Item | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: `${kind}#${key}` }, ConsistentRead: true }));
    return result.Item;
  }

  /**
   * Commits a plan in one transaction: the account (conditioned on the version the plan started from), its ledger
   * entries with their events, lots, the earn and spend records, a tier change, and the intents that must commit
   * with it. A refusal names its cause: an intent's condition, else the account (the plan's state changed).
   */
  async commit(plan: Plan, options: { program?: Program; intents?: readonly CommitIntent[] } = {}): Promise<CommitOutcome> {
    const account = plan.change.account;
    const before = plan.change.before;
    const pk = customerPk(account.customerId);
    const items: RawTransactItem[] = [];
    const shard = dueShard(account.customerId);
    items.push({
      Put: {
        TableName: this.tableName,
        Item: {
          pk,
          sk: 'ACCOUNT',
          account,
          version: account.version,
          ...(account.tierReviewAt ? { gsi1pk: `DUE#TIER#${shard}`, gsi1sk: `${account.tierReviewAt}#${account.customerId}` } : {}),
        },
        ConditionExpression: before.version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
        ...(before.version === 0 ? {} : { ExpressionAttributeValues: { ':version': before.version } }),
      },
    });
    for (const entry of plan.change.entries) {
      const outbox = plan.outbox.get(entry.entryId);
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: `LEDGER#${pad(entry.seq)}`, entry, ...(outbox ? { [OUTBOX_ATTRIBUTE]: outbox } : {}) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    for (const lot of plan.lotPuts) items.push({ Put: { TableName: this.tableName, Item: this.lotItem(lot, options.program) } });
    for (const lotId of plan.lotDeletes) items.push({ Delete: { TableName: this.tableName, Key: { pk, sk: `LOT#${lotId}` } } });
    if (plan.earn) {
      const record = plan.earn.record;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: `EARN#${record.storeId}#${record.orderId}`, earn: record, appliedCount: record.appliedRefunds.length },
          // Created once; afterwards each applied refund must follow the state the plan read (optimistic check).
          ...(plan.earn.create
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(appliedCount) OR appliedCount = :previousCount)',
                ExpressionAttributeValues: { ':previousCount': record.appliedRefunds.length - 1 },
              }),
        },
      });
    }
    if (plan.spend) {
      const ttlDays = (options.program?.tierWindowDays ?? 3650) + 30;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: `SPEND#${plan.spend.key}`, spend: plan.spend, expiresAt: Math.floor(Date.parse(addDays(plan.spend.occurredAt, ttlDays)) / 1000) },
        },
      });
    }
    if (plan.tierChange) {
      const { outbox, ...change } = plan.tierChange;
      items.push({ Put: { TableName: this.tableName, Item: { pk, sk: `TIER#${pad(change.seq)}`, change: { ...change, at: plan.change.now }, [OUTBOX_ATTRIBUTE]: outbox } } });
    }
    const labelled: LabelledItem<ConflictCause>[] = [
      ...items.map((item) => ({ label: 'account' as const, item })),
      ...(options.intents ?? []).flatMap((intent) => this.intentItems(intent)),
    ];
    const outcome = await transactWrite(this.client, labelled);
    if (outcome.kind === 'committed') return { kind: 'committed' };
    return { kind: 'conflict', on: outcome.failed.find((cause) => cause !== 'account') ?? 'account' };
  }

  /** The items an intent writes, each labelled with the cause its condition stands for. */
  private intentItems(intent: CommitIntent): LabelledItem<ConflictCause>[] {
    switch (intent.kind) {
      case 'remember':
        return [
          {
            label: 'marker',
            item: markerItem({ tableName: this.tableName, pk: customerPk(intent.customerId), sk: `${intent.marker}#${intent.key}`, attributes: intent.value }),
          },
        ];
      case 'take-stock':
        return [{ label: 'stock', item: this.stockDecrement(intent.rewardId) }];
      case 'return-stock':
        return [{ label: 'stock', item: this.stockIncrement(intent.rewardId) }];
      case 'save-redemption': {
        const condition = intent.expect === 'new' ? 'create' : intent.expect;
        return [
          { label: 'redemption', item: this.redemptionPut(intent.redemption, condition) },
          { label: 'redemption', item: this.couponPut(intent.redemption, condition) },
        ];
      }
    }
  }

  private lotItem(lot: Lot, program: Program | undefined): Item {
    const shard = dueShard(lot.customerId);
    let due: { kind: DueKind; at: string } | undefined;
    if (lot.status === 'pending' && lot.pendingUntil) due = { kind: 'RELEASE', at: lot.pendingUntil };
    else if (lot.status === 'available' && lot.expiresAt) {
      const remindAt = program && program.expiryReminderDays > 0 ? addDays(lot.expiresAt, -program.expiryReminderDays) : undefined;
      due = !lot.reminded && remindAt ? { kind: 'REMIND', at: remindAt } : { kind: 'EXPIRE', at: lot.expiresAt };
    }
    return {
      pk: customerPk(lot.customerId),
      sk: `LOT#${lot.lotId}`,
      // Plain data only (no undefined fields) in the stored lot.
      lot: JSON.parse(JSON.stringify(lot)) as unknown,
      ...(due ? { gsi1pk: `DUE#${due.kind}#${shard}`, gsi1sk: `${due.at}#${lot.customerId}#${lot.lotId}` } : {}),
    };
  }

  /** Marks a lot reminded (moving it to the expiry index), with its PointsExpiringSoon event when points are at risk. */
  async markReminded(lot: Lot, outbox: OutboxRecord | undefined): Promise<void> {
    const reminded: Lot = { ...lot, reminded: true };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...this.lotItem(reminded, undefined), ...(outbox ? { [OUTBOX_ATTRIBUTE]: outbox } : {}) },
        ConditionExpression: 'attribute_exists(pk) AND begins_with(gsi1pk, :remind)',
        ExpressionAttributeValues: { ':remind': 'DUE#REMIND#' },
      }),
    ).then(
      () => undefined,
      (error: unknown) => {
        if (!isConditionalCheckFailure(error)) throw error;
      },
    );
  }

  /**
   * One page of due items of a kind in a shard (due time ≤ now), oldest first, each named by its keys alone — the
   * customer (from pk CUST#<id>) and, for lots, the lot (from sk LOT#<lotId>) — so the index needs to project nothing
   * but keys: the schedules re-read every item consistently before changing it.
   */
  async dueItems(kind: DueKind, shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: Item[]; cursor?: Record<string, unknown> }> {
    const page = await dueIndexPage(this.client, this.tableName, `DUE#${kind}#${shard}`, now, limit, cursor);
    const items = page.keys.map(({ pk, sk }) => {
      if (!pk.startsWith('CUST#')) throw new Error(`due index entry ${pk}/${sk} is not a customer's item`);
      return { customerId: pk.slice('CUST#'.length), ...(sk.startsWith('LOT#') ? { lotId: sk.slice('LOT#'.length) } : {}) };
    });
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  // ---- rewards, redemptions, coupons

  async listRewards(limit: number, cursor?: string): Promise<Page<Reward>> {
    const start = startKeyOf(cursor, 'pk', 'REWARD');
    const result = await this.client.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'REWARD' }, Limit: limit, ExclusiveStartKey: start }),
    );
    return { items: (result.Items ?? []).map(rewardFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async getReward(rewardId: string): Promise<Reward | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'REWARD', sk: rewardId }, ConsistentRead: true }));
    return result.Item ? rewardFromItem(result.Item) : undefined;
  }

  /** Creates (when `create`) or replaces a reward; stock is its own attribute so redemptions can decrement it. */
  async putReward(reward: Reward, create: boolean): Promise<'saved' | 'exists' | 'missing'> {
    const { stock, ...rest } = reward;
    const outcome = await conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: 'REWARD', sk: reward.rewardId, reward: rest, ...(stock === undefined ? {} : { stock }) },
          ConditionExpression: create ? 'attribute_not_exists(pk)' : 'attribute_exists(pk)',
        }),
      ),
    );
    if (outcome === 'done') return 'saved';
    return create ? 'exists' : 'missing';
  }

  private stockDecrement(rewardId: string): RawTransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: 'REWARD', sk: rewardId },
        UpdateExpression: 'SET stock = stock - :one',
        ConditionExpression: 'stock > :zero',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      },
    };
  }

  private stockIncrement(rewardId: string): RawTransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: 'REWARD', sk: rewardId },
        UpdateExpression: 'SET stock = stock + :one',
        ConditionExpression: 'attribute_exists(stock)',
        ExpressionAttributeValues: { ':one': 1 },
      },
    };
  }

  private redemptionPut(redemption: Redemption, condition: 'create' | { status: Redemption['status'] }): RawTransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: `REDEMPTION#${redemption.redemptionId}`,
          sk: 'REDEMPTION',
          redemption,
          status: redemption.status,
          gsi2pk: customerPk(redemption.customerId),
          gsi2sk: `${redemption.createdAt}#${redemption.redemptionId}`,
        },
        ConditionExpression: condition === 'create' ? 'attribute_not_exists(pk)' : '#status = :status',
        ...(condition === 'create' ? {} : { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': condition.status } }),
      },
    };
  }

  private couponPut(redemption: Redemption, condition: 'create' | { status: Redemption['status'] }): RawTransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: `COUPON#${redemption.couponCode}`,
          sk: 'COUPON',
          redemptionId: redemption.redemptionId,
          customerId: redemption.customerId,
          status: redemption.status,
          ...(redemption.usedBy ? { usedBy: redemption.usedBy } : {}),
        },
        ConditionExpression: condition === 'create' ? 'attribute_not_exists(pk)' : '#status = :status',
        ...(condition === 'create' ? {} : { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': condition.status } }),
      },
    };
  }

  async getRedemption(redemptionId: string): Promise<Redemption | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `REDEMPTION#${redemptionId}`, sk: 'REDEMPTION' }, ConsistentRead: true }));
    return result.Item ? redemptionFromItem(result.Item) : undefined;
  }

  async getCoupon(code: string): Promise<{ redemptionId: string; status: Redemption['status'] } | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `COUPON#${code}`, sk: 'COUPON' }, ConsistentRead: true }));
    return result.Item ? couponFromItem(result.Item) : undefined;
  }

  /** Marks a coupon and its redemption used, once. */
  async consumeCoupon(redemption: Redemption, usedAt: string, usedBy: string): Promise<'used' | 'not-active'> {
    const used: Redemption = { ...redemption, status: 'used', usedAt, usedBy };
    const outcome = await transactWrite(this.client, [
      { label: 'coupon', item: this.couponPut(used, { status: 'active' }) },
      { label: 'redemption', item: this.redemptionPut(used, { status: 'active' }) },
    ]);
    return outcome.kind === 'committed' ? 'used' : 'not-active';
  }

  async listRedemptions(customerId: string, limit: number, cursor?: string): Promise<Page<Redemption>> {
    const start = startKeyOf(cursor, 'gsi2pk', customerPk(customerId));
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': customerPk(customerId) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (result.Items ?? []).map(redemptionFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }
}


/**
 * Erasure and export for the loyalty service. Balances and ledger amounts are anonymous totals and stay; the only
 * free text about a customer is what marketers wrote as adjustment reasons, which is erased (also in stored events).
 */
export class LoyaltyPrivacy implements LoyaltyPrivacyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number> {
    const entries = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ledger)',
      ExpressionAttributeValues: { ':pk': customerPk(customerId), ':ledger': 'LEDGER#' },
    });
    let erased = 0;
    for (const item of entries) {
      const entry = entryFromItem(item);
      if (entry.type !== 'adjust' || entry.reason === ERASED) continue;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #entry.reason = :erased' + (item[OUTBOX_ATTRIBUTE] ? ', #outbox.#detail.#data.reason = :erased' : ''),
          ExpressionAttributeNames: { '#entry': 'entry', ...(item[OUTBOX_ATTRIBUTE] ? { '#outbox': OUTBOX_ATTRIBUTE, '#detail': 'detail', '#data': 'data' } : {}) },
          ExpressionAttributeValues: { ':erased': ERASED },
        }),
      );
      erased++;
    }
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'loyalty', itemsErased: erased, erasedAt });
    return erased;
  }

  /** Everything the loyalty service holds about a customer. */
  async exportCustomer(customerId: string): Promise<Record<string, unknown>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': customerPk(customerId) },
    });
    const redemptions = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': customerPk(customerId) },
    });
    const startingWith = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
    const accountItem = items.find((item) => item.sk === 'ACCOUNT');
    return {
      account: accountItem ? accountFromItem(accountItem) : null,
      ledger: startingWith('LEDGER#').map(entryFromItem),
      pointLots: startingWith('LOT#').map(lotFromItem),
      qualifyingSpend: startingWith('SPEND#').map(spendFromItem),
      tierHistory: startingWith('TIER#').map((item) => item.change),
      redemptions: redemptions.map(redemptionFromItem),
    };
  }
}


export type { RawTransactItem, TransactWriteItem, DueKind, CommitOutcome };
