import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ReferralAttributed,
  ReferralExpired,
  ReferralFlagged,
  ReferralPending,
  ReferralQualified,
  ReferralRejected,
  ReferralRewarded,
  ReferralWelcomeOffered,
} from '../../events/referrals';
import type { EventContract } from '../../events/contract';
import { dueIndexKeys, dueIndexPage } from '../../shared/aws/due-index';
import { queryAll } from '../../shared/aws/query';
import { dueShard as shardOf } from '../../shared/schedules/sweep';
import { deploymentSecret, saveVersionedDocument } from '../../shared/aws/versioned';
import { conditionalWrite, transactWrite, type LabelledItem } from '../../shared/aws/transactions';
import { encodeCursor, startKeyOf, type Page } from '../../shared/domain/pagination';
import { confirmErasureOnce, ERASED } from '../../shared/events/erasure';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import type { ReferralProgram } from './domain/program';
import { dueAt, type HistoryEntry, type Referral, type ReferralEventName, type ReferralStatus } from './domain/referral';
import type { Advocate, CodeRecord, CommitOutcome, CommitReferral, ReferralStore } from './domain/store';
import { DUE_SHARDS } from './domain/use-cases';
import { advocateFromItem, codeFromItem, historyFromItem, programFromItem, referralFromItem } from './referrals.items';

/**
 * The referrals table (single-table design, owned by this service alone):
 *   PROGRAM / CURRENT and V#<n>          the referral program and its versions
 *   SECRET / HASH_SALT                   the salt of every hash (created once, never leaves this table)
 *   CUSTOMER#<id> / ADVOCATE             an advocate: active code, stats, email hashes, recent rewards, ban
 *   CUSTOMER#<id> / REFEREE              the one referral claiming this customer as its referee
 *   CODE#<code> / CODE                   a code's owner and status (the conditional put keeps spellings unique)
 *   REFERRAL#<id> / REFERRAL             a referral; gsi1 DUE#<shard> by due time (keys only), gsi2 STATUS#<status>
 *                                        newest first (review queue), gsi3 ADVOCATE#<id> newest first
 *   REFERRAL#<id> / H#<seq>              its history; each entry carries its event in the outbox attribute
 *   VELOCITY#<key> / COUNT               referred first purchases per network or advocate per UTC day (expire)
 *   CLICKS#<ip hash>#<hour> / COUNT      clicks per network per hour (expire)
 */
const PROGRAM_PK = 'PROGRAM';
const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;
const codePk = (code: string) => `CODE#${code}`;
const referralPk = (referralId: string) => `REFERRAL#${referralId}`;
const historySk = (seq: number) => `H#${String(seq).padStart(6, '0')}`;
const COUNTER_RETENTION_SECONDS = 3 * 24 * 3600;

const CONTRACTS: Record<ReferralEventName, EventContract> = {
  ReferralAttributed,
  ReferralPending,
  ReferralFlagged,
  ReferralQualified,
  ReferralRewarded,
  ReferralWelcomeOffered,
  ReferralRejected,
  ReferralExpired,
};

export function dueShard(referralId: string): number {
  return shardOf(referralId, DUE_SHARDS);
}

type Label = 'referral' | 'history' | 'referee' | 'velocity' | 'advocate';

export class ReferralsRepository implements ReferralStore {
  private cachedProgram: { program: ReferralProgram | undefined; until: number } | undefined;
  private salt: string | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // ---- program

  async getProgram(): Promise<ReferralProgram | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: PROGRAM_PK, sk: 'CURRENT' }, ConsistentRead: true }));
    return result.Item ? programFromItem(result.Item) : undefined;
  }

  /** For share links and code creation: cached per container for a few seconds (a link click is one read, not two). */
  async getProgramCached(ttlMs = 10_000): Promise<ReferralProgram | undefined> {
    if (this.cachedProgram && this.cachedProgram.until > Date.now()) return this.cachedProgram.program;
    const program = await this.getProgram();
    this.cachedProgram = { program, until: Date.now() + ttlMs };
    return program;
  }

  async saveProgram(program: ReferralProgram, previousVersion: number): Promise<'saved' | 'conflict'> {
    const outcome = await saveVersionedDocument(this.client, this.tableName, { pk: PROGRAM_PK, attribute: 'program', version: program.version, value: program }, previousVersion);
    this.cachedProgram = undefined;
    return outcome;
  }

  async hashSalt(): Promise<string> {
    this.salt ??= await deploymentSecret(this.client, this.tableName, { pk: 'SECRET', sk: 'HASH_SALT' }, 'salt', () => randomBytes(32).toString('base64url'));
    return this.salt;
  }

  // ---- advocates and codes

  async getAdvocate(customerId: string): Promise<Advocate | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: 'ADVOCATE' }, ConsistentRead: true }));
    return result.Item ? advocateFromItem(result.Item) : undefined;
  }

  async getCode(code: string): Promise<CodeRecord | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: codePk(code), sk: 'CODE' }, ConsistentRead: true }));
    return result.Item ? codeFromItem(result.Item) : undefined;
  }

  async createCode(advocate: Advocate, code: CodeRecord, previous: CodeRecord | undefined, expectedVersion: number): Promise<'created' | 'code-taken' | 'conflict'> {
    const items: LabelledItem<'code' | 'advocate' | 'previous'>[] = [
      { label: 'code', item: { Put: { TableName: this.tableName, Item: { pk: codePk(code.code), sk: 'CODE', ...code }, ConditionExpression: 'attribute_not_exists(pk)' } } },
      { label: 'advocate', item: this.advocateWrite(advocate, expectedVersion) },
    ];
    if (previous) {
      items.push({
        label: 'previous',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: codePk(previous.code), sk: 'CODE' },
            UpdateExpression: 'SET #status = :status, changedAt = :at, changedBy = :by',
            ConditionExpression: '#status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': previous.status, ':at': previous.changedAt, ':by': previous.changedBy, ':active': 'active' },
          },
        },
      });
    }
    const outcome = await transactWrite(this.client, items);
    if (outcome.kind === 'committed') return 'created';
    return outcome.failed.includes('code') ? 'code-taken' : 'conflict';
  }

  /**
   * A new advocate is put whole; an existing one is updated field by field, conditioned on its version — never put,
   * because its counters are ADDed by transitions without that condition (each transition is exactly once by its
   * referral's own condition) and a put would lose the ones that landed since the read.
   */
  private advocateWrite(advocate: Advocate, expectedVersion: number) {
    if (expectedVersion === 0) {
      const codes = advocate.activeCode ? [advocate.activeCode] : [];
      return { Put: { TableName: this.tableName, Item: { pk: customerPk(advocate.customerId), sk: 'ADVOCATE', type: 'advocate', ...advocate, codes }, ConditionExpression: 'attribute_not_exists(pk)' } };
    }
    return {
      Update: {
        ...this.advocateUpdate(
          { ...advocate, version: expectedVersion },
          advocate.activeCode
            ? 'SET version = :next, emailHashes = :hashes, activeCode = :code, codes = list_append(if_not_exists(codes, :none), :codes)'
            : 'SET version = :next, emailHashes = :hashes REMOVE activeCode',
          { ':hashes': advocate.emailHashes, ...(advocate.activeCode ? { ':code': advocate.activeCode, ':codes': [advocate.activeCode], ':none': [] } : {}) },
        ),
      },
    };
  }

  async blockCode(code: CodeRecord, advocate: Advocate, by: string, reason: string, at: string): Promise<'blocked' | 'conflict'> {
    const outcome = await transactWrite(this.client, [
      {
        label: 'code',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: codePk(code.code), sk: 'CODE' },
            UpdateExpression: 'SET #status = :blocked, changedAt = :at, changedBy = :by, reason = :reason',
            ConditionExpression: '#status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':blocked': 'blocked', ':active': 'active', ':at': at, ':by': by, ':reason': reason },
          },
        },
      },
      ...(advocate.activeCode === code.code
        ? [{ label: 'advocate' as const, item: { Update: this.advocateUpdate(advocate, 'REMOVE activeCode SET version = :next') } }]
        : []),
    ]);
    return outcome.kind === 'committed' ? 'blocked' : 'conflict';
  }

  async banAdvocate(advocate: Advocate, ban: NonNullable<Advocate['banned']>): Promise<'banned' | 'conflict'> {
    const items: LabelledItem<'advocate' | 'code'>[] = [{ label: 'advocate', item: { Update: this.advocateUpdate(advocate, 'SET banned = :ban, version = :next REMOVE activeCode', { ':ban': ban }) } }];
    if (advocate.activeCode) {
      items.push({
        label: 'code',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: codePk(advocate.activeCode), sk: 'CODE' },
            UpdateExpression: 'SET #status = :blocked, changedAt = :at, changedBy = :by, reason = :reason',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':blocked': 'blocked', ':at': ban.at, ':by': ban.by, ':reason': `advocate banned: ${ban.reason}` },
          },
        },
      });
    }
    return (await transactWrite(this.client, items)).kind === 'committed' ? 'banned' : 'conflict';
  }

  async rememberEmail(customerId: string, emailHashes: readonly string[], expectedVersion: number): Promise<'saved' | 'conflict'> {
    const outcome = await conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customerId), sk: 'ADVOCATE' },
          UpdateExpression: 'SET emailHashes = :hashes, version = :next',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':hashes': emailHashes, ':next': expectedVersion + 1, ':expected': expectedVersion },
        }),
      ),
    );
    return outcome === 'done' ? 'saved' : 'conflict';
  }

  private advocateUpdate(advocate: Advocate, expression: string, values: Record<string, unknown> = {}) {
    return {
      TableName: this.tableName,
      Key: { pk: customerPk(advocate.customerId), sk: 'ADVOCATE' },
      UpdateExpression: expression,
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': advocate.version, ':next': advocate.version + 1, ...values },
    };
  }

  async countClick(code: CodeRecord, ipHash: string, hour: string, limit: number): Promise<'counted' | 'rate-limited'> {
    const expiresAt = Math.floor(Date.parse(`${hour}:00:00.000Z`) / 1000) + 2 * 3600;
    const outcome = await transactWrite(this.client, [
      {
        label: 'limit',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: `CLICKS#${ipHash}#${hour}`, sk: 'COUNT' },
            UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': Number.isFinite(expiresAt) ? expiresAt : 0 },
          },
        },
      },
      {
        label: 'advocate',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: customerPk(code.customerId), sk: 'ADVOCATE' },
            UpdateExpression: 'ADD stats.clicks :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      },
    ]);
    if (outcome.kind === 'committed') return 'counted';
    return 'rate-limited';
  }

  // ---- referrals

  async refereeClaim(customerId: string): Promise<string | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: 'REFEREE' }, ConsistentRead: true }));
    return typeof result.Item?.referralId === 'string' ? result.Item.referralId : undefined;
  }

  async customerRecords(customerId: string): Promise<{ advocate?: Advocate; claim?: string }> {
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': customerPk(customerId) }, ConsistentRead: true });
    const advocate = items.find((item) => item.sk === 'ADVOCATE');
    const claim = items.find((item) => item.sk === 'REFEREE')?.referralId;
    return { ...(advocate ? { advocate: advocateFromItem(advocate) } : {}), ...(typeof claim === 'string' ? { claim } : {}) };
  }

  async getReferral(referralId: string): Promise<Referral | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: referralPk(referralId), sk: 'REFERRAL' }, ConsistentRead: true }));
    return result.Item ? referralFromItem(result.Item) : undefined;
  }

  async history(referralId: string): Promise<HistoryEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :history)',
      ExpressionAttributeValues: { ':pk': referralPk(referralId), ':history': 'H#' },
      ConsistentRead: true,
    });
    return items.map(historyFromItem);
  }

  async velocity(key: string): Promise<number> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `VELOCITY#${key}`, sk: 'COUNT' }, ConsistentRead: true }));
    return typeof result.Item?.count === 'number' ? result.Item.count : 0;
  }

  /**
   * One transaction: the referral (conditioned on the version read, or new), its history entries with their events,
   * the referee's claim, the velocity counters it was judged by (conditioned on the counts seen) and the advocate's
   * counters (and recent rewards, conditioned on the advocate's version).
   */
  async commit(commit: CommitReferral): Promise<CommitOutcome> {
    const { change } = commit;
    const referral = { ...change.referral, version: change.referral.version + 1 };
    const expected = change.before?.version ?? 0;
    const items: LabelledItem<Label>[] = [{ label: 'referral', item: { Put: { ...this.referralPut(referral), ...(expected === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expected } }) } } }];
    for (const entry of change.history) {
      const contract = CONTRACTS[entry.event];
      const event = outboxRecord(contract, entry.data as never, { eventId: `${entry.event}:${referral.referralId}:${entry.seq}`, occurredAt: entry.at });
      items.push({
        label: 'history',
        item: { Put: { TableName: this.tableName, Item: { pk: referralPk(referral.referralId), sk: historySk(entry.seq), type: 'history', ...entry, [OUTBOX_ATTRIBUTE]: event }, ConditionExpression: 'attribute_not_exists(pk)' } },
      });
    }
    if (commit.claimReferee) {
      const replacing = commit.claimReferee.replacing;
      // A replaced claim (its referral was rejected at attribution) is remembered on the claim: that referral names the
      // referee too, and export and erasure must find it.
      items.push({
        label: 'referee',
        item: replacing
          ? {
              Update: {
                TableName: this.tableName,
                Key: { pk: customerPk(referral.refereeCustomerId), sk: 'REFEREE' },
                UpdateExpression: 'SET referralId = :id, replaced = list_append(if_not_exists(replaced, :none), :replacing)',
                ConditionExpression: 'referralId = :replacingId',
                ExpressionAttributeValues: { ':id': referral.referralId, ':none': [], ':replacing': [replacing], ':replacingId': replacing },
              },
            }
          : {
              Put: {
                TableName: this.tableName,
                Item: { pk: customerPk(referral.refereeCustomerId), sk: 'REFEREE', type: 'referee', referralId: referral.referralId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
      });
    }
    const expiresAt = Math.floor(Date.parse(change.referral.updatedAt) / 1000) + COUNTER_RETENTION_SECONDS;
    for (const counter of commit.velocity ?? []) {
      items.push({
        label: 'velocity',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: `VELOCITY#${counter.key}`, sk: 'COUNT' },
            UpdateExpression: 'SET #count = :next, expiresAt = :expires',
            ConditionExpression: counter.seen === 0 ? 'attribute_not_exists(pk)' : '#count = :seen',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':next': counter.seen + 1, ':expires': expiresAt, ...(counter.seen === 0 ? {} : { ':seen': counter.seen }) },
          },
        },
      });
    }
    const statEntries = Object.entries(change.stats).filter(([, delta]) => delta !== 0);
    if (statEntries.length > 0 || commit.advocateRewards) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const adds = statEntries.map(([name, delta], index) => {
        names[`#s${index}`] = name;
        values[`:s${index}`] = delta;
        return `stats.#s${index} :s${index}`;
      });
      let expression = adds.length > 0 ? `ADD ${adds.join(', ')}` : '';
      let condition = 'attribute_exists(pk)';
      if (commit.advocateRewards) {
        values[':rewards'] = commit.advocateRewards.recentRewards;
        values[':expected'] = commit.advocateRewards.expectedVersion;
        // The version moves with the rewards: a concurrent reward of this advocate, judged on the same read, conflicts
        // and judges again (otherwise both pass the condition and the limit per 30 days is never reached).
        values[':nextVersion'] = commit.advocateRewards.expectedVersion + 1;
        expression += ' SET recentRewards = :rewards, version = :nextVersion';
        condition += ' AND version = :expected';
      }
      items.push({
        label: 'advocate',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: customerPk(referral.advocateCustomerId), sk: 'ADVOCATE' },
            UpdateExpression: expression.trim(),
            ConditionExpression: condition,
            ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
            ExpressionAttributeValues: values,
          },
        },
      });
    }
    const outcome = await transactWrite(this.client, items);
    if (outcome.kind === 'committed') return { kind: 'committed' };
    const on = (['referral', 'referee', 'velocity', 'advocate'] as const).find((label) => outcome.failed.includes(label)) ?? 'referral';
    return { kind: 'conflict', on };
  }

  private referralPut(referral: Referral) {
    const due = dueAt(referral);
    return {
      TableName: this.tableName,
      Item: {
        pk: referralPk(referral.referralId),
        sk: 'REFERRAL',
        type: 'referral',
        ...referral,
        ...(due ? dueIndexKeys(`DUE#${dueShard(referral.referralId)}`, due, referral.referralId) : {}),
        gsi2pk: `STATUS#${referral.status}`,
        gsi2sk: `${referral.updatedAt}#${referral.referralId}`,
        gsi3pk: `ADVOCATE#${referral.advocateCustomerId}`,
        gsi3sk: `${referral.attributedAt}#${referral.referralId}`,
      },
    };
  }

  async listByStatus(status: ReferralStatus, limit: number, cursor?: string): Promise<Page<Referral>> {
    return this.listIndex('gsi2', `STATUS#${status}`, limit, cursor);
  }

  async listByAdvocate(customerId: string, limit: number, cursor?: string): Promise<Page<Referral>> {
    return this.listIndex('gsi3', `ADVOCATE#${customerId}`, limit, cursor);
  }

  private async listIndex(index: 'gsi2' | 'gsi3', key: string, limit: number, cursor?: string): Promise<Page<Referral>> {
    const start = startKeyOf(cursor, `${index}pk`, key);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': `${index}pk` },
        ExpressionAttributeValues: { ':key': key },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (result.Items ?? []).map(referralFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }



  async dueReferrals(shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: { referralId: string }[]; cursor?: Record<string, unknown> }> {
    const page = await dueIndexPage(this.client, this.tableName, `DUE#${shard}`, now, limit, cursor);
    return { items: page.keys.map(({ pk }) => ({ referralId: pk.slice('REFERRAL#'.length) })), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  // ---- privacy

  /** Everything this service holds about the customer: as an advocate (codes, stats, referrals) and as a referee. */
  async exportCustomer(customerId: string): Promise<{ advocate?: Advocate; codes: CodeRecord[]; referrals: Referral[]; referredBy?: Referral; replacedReferrals: Referral[] }> {
    const advocateItem = (await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: 'ADVOCATE' }, ConsistentRead: true }))).Item;
    const advocate = advocateItem ? advocateFromItem(advocateItem) : undefined;
    const referrals = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': `ADVOCATE#${customerId}` },
    });
    // Every code the advocate ever had (rotated and blocked ones too: a code may spell their name), and any a referral used.
    const everyCode = Array.isArray(advocateItem?.codes) ? advocateItem.codes.map(String) : [];
    const codeNames = [...new Set([...everyCode, ...referrals.map((item) => String(item.code)), ...(advocate?.activeCode ? [advocate.activeCode] : [])])].filter((code) => code !== ERASED);
    const codes = (await Promise.all(codeNames.map((code) => this.getCode(code)))).filter((code): code is CodeRecord => code !== undefined && code.customerId === customerId);
    const claim = (await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: customerPk(customerId), sk: 'REFEREE' }, ConsistentRead: true }))).Item;
    const referredBy = typeof claim?.referralId === 'string' ? await this.getReferral(claim.referralId) : undefined;
    const replacedIds = Array.isArray(claim?.replaced) ? claim.replaced.map(String) : [];
    const replacedReferrals = (await Promise.all(replacedIds.map((id) => this.getReferral(id)))).filter((referral): referral is Referral => referral !== undefined);
    return { ...(advocate ? { advocate } : {}), codes, referrals: referrals.map(referralFromItem), ...(referredBy ? { referredBy } : {}), replacedReferrals };
  }

  /**
   * Erases what identifies the customer: codes they own (a code may spell their name) are deleted and replaced by
   * "[erased]" in referrals, email/IP/agent hashes removed, and the events kept in history items dropped (they name
   * the customers). Referral ids, statuses and counters stay: they are the anonymous figures the program reports.
   */
  async eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number> {
    let erased = 0;
    const { advocate, codes, referrals, referredBy, replacedReferrals } = await this.exportCustomer(customerId);
    for (const code of codes) {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: codePk(code.code), sk: 'CODE' } }));
      erased++;
    }
    if (advocate) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customerId), sk: 'ADVOCATE' },
          // The ban's reason is a marketer's free text about this person.
          UpdateExpression: `SET emailHashes = :none, codes = :none, version = version + :one${advocate.banned ? ', banned.reason = :erased' : ''} REMOVE activeCode`,
          ExpressionAttributeValues: { ':none': [], ':one': 1, ...(advocate.banned ? { ':erased': ERASED } : {}) },
        }),
      );
      erased++;
    }
    const involved = [...referrals, ...(referredBy ? [referredBy] : []), ...replacedReferrals];
    for (const referral of involved) {
      const asReferee = referral.refereeCustomerId === customerId;
      const asAdvocate = referral.advocateCustomerId === customerId;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: referralPk(referral.referralId), sk: 'REFERRAL' },
          // A marketer's own words on a rejection (no rule named) are free text about these people.
          UpdateExpression: [
            `SET erasedAt = :at${asAdvocate ? ', code = :erased' : ''}${referral.rejection && !referral.rejection.rule ? ', rejection.reason = :erased' : ''}`,
            asReferee ? 'REMOVE refereeEmailHash, ipHash, agentHash' : '',
          ].join(' ').trim(),
          ExpressionAttributeValues: { ':at': erasedAt, ...(asAdvocate || (referral.rejection && !referral.rejection.rule) ? { ':erased': ERASED } : {}) },
        }),
      );
      for (const entry of await this.history(referral.referralId)) {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: referralPk(referral.referralId), sk: historySk(entry.seq) },
            UpdateExpression: `SET #data = :none${entry.event === 'ReferralRejected' && !entry.rule ? ', reason = :erased' : ''} REMOVE ${OUTBOX_ATTRIBUTE}`,
            ExpressionAttributeNames: { '#data': 'data' },
            ExpressionAttributeValues: { ':none': {}, ...(entry.event === 'ReferralRejected' && !entry.rule ? { ':erased': ERASED } : {}) },
          }),
        );
      }
      erased++;
    }
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'referrals', itemsErased: erased, erasedAt });
    return erased;
  }
}
