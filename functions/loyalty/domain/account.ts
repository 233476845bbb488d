import { createHash } from 'node:crypto';
import { dueShard as shardOf } from '../../../shared/schedules/sweep';
import type { ExplanationStep } from './points';

/**
 * A customer's points, as pure state transitions. Every change produces ledger entries whose deltas sum to the
 * change in `available + pending`, so the ledger always explains the balance.
 *
 * Oldest points go first without touching lots on every spend: released points form one cumulative stream;
 * each released lot owns the range [start, end) of it, and spending (or reversing, or expiring) advances the
 * `fifoConsumed` cursor. `available = releasedTotal - fifoConsumed`. A lot's unspent points are the part of its
 * range beyond the cursor. Lot expiry times never decrease along the stream, so expiring a lot may expire
 * everything before its end.
 */
export interface Account {
  readonly customerId: string;
  /** Optimistic-concurrency version; 0 means not stored yet. */
  readonly version: number;
  readonly available: number;
  readonly pending: number;
  readonly lifetimeEarned: number;
  readonly redeemed: number;
  readonly expired: number;
  readonly reversed: number;
  readonly unrecoverable: number;
  readonly releasedTotal: number;
  readonly fifoConsumed: number;
  readonly lastLotExpiresAt?: string;
  readonly tier?: { name: string; since: string };
  readonly earnedPurchases: number;
  readonly entrySeq: number;
  readonly redemptionsByReward: Readonly<Record<string, number>>;
  /** When the tier review schedule should next look at this account (downgrade policy "reevaluate"). */
  readonly tierReviewAt?: string;
}

export type LedgerType = 'earn' | 'bonus' | 'reverse' | 'release' | 'expire' | 'redeem' | 'redeem-cancel' | 'adjust' | 'referral' | 'win-back';
export type SourceKind = 'order' | 'refund' | 'lot' | 'redemption' | 'rule' | 'marketer' | 'referral' | 'win-back';

/** What an entry or lot came from; `storeId` names the store whose order it concerns (one merchant, many stores). */
export interface LedgerSource {
  readonly kind: SourceKind;
  readonly id: string;
  readonly storeId?: string;
}

export interface LedgerEntry {
  readonly customerId: string;
  readonly seq: number;
  readonly entryId: string;
  readonly type: LedgerType;
  /** The entry's effect, signed: + adds points to the customer, − takes them away (release moves +points). */
  readonly points: number;
  readonly availableDelta: number;
  readonly pendingDelta: number;
  readonly reason: string;
  readonly source: LedgerSource;
  readonly balanceAfter: { available: number; pending: number };
  readonly createdAt: string;
  readonly programVersion?: number;
  readonly explanation?: ExplanationStep[];
  readonly by?: string;
}

export interface Lot {
  readonly customerId: string;
  readonly lotId: string;
  readonly status: 'pending' | 'available';
  /** Pending lots: the points still pending. Available lots: end - start. */
  readonly points: number;
  readonly createdAt: string;
  readonly pendingUntil?: string;
  readonly start?: number;
  readonly end?: number;
  readonly expiresAt?: string;
  readonly reminded?: boolean;
  readonly source: LedgerSource;
}

export function newAccount(customerId: string): Account {
  return {
    customerId,
    version: 0,
    available: 0,
    pending: 0,
    lifetimeEarned: 0,
    redeemed: 0,
    expired: 0,
    reversed: 0,
    unrecoverable: 0,
    releasedTotal: 0,
    fifoConsumed: 0,
    earnedPurchases: 0,
    entrySeq: 0,
    redemptionsByReward: {},
  };
}

export const DAY_MS = 86_400_000;

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

/** Points of an available lot not yet spent, reversed or expired. */
export function unspentInLot(account: Pick<Account, 'fifoConsumed'>, lot: Lot): number {
  if (lot.status !== 'available' || lot.start === undefined || lot.end === undefined) return 0;
  return Math.max(0, lot.end - Math.max(lot.start, account.fifoConsumed));
}

/**
 * Every running total of an account is a safe integer, by construction: each change is checked before it can be
 * committed, and one that would pass 2^53 − 1 is refused with AccountLimitError (the use case decides what that
 * means: an award earns nothing and says why, an adjustment is rejected). One award is at most 10^12 points, so
 * an account reaches the limit only after thousands of maximal awards.
 */
export const MAX_ACCOUNT_TOTAL = Number.MAX_SAFE_INTEGER;
const TOTALS = ['available', 'pending', 'lifetimeEarned', 'redeemed', 'expired', 'reversed', 'unrecoverable', 'releasedTotal', 'fifoConsumed', 'earnedPurchases', 'entrySeq'] as const;

export class AccountLimitError extends Error {
  constructor(readonly field: string) {
    super(`the account's ${field} would pass ${MAX_ACCOUNT_TOTAL}`);
  }
}

/** Accumulates entries and the resulting account for one transaction. */
export class AccountChange {
  readonly entries: LedgerEntry[] = [];
  #account: Account;

  constructor(
    readonly before: Account,
    readonly now: string,
  ) {
    this.#account = { ...before, version: before.version + 1 };
  }

  get account(): Account {
    return this.#account;
  }

  set account(next: Account) {
    for (const field of TOTALS) {
      const value = next[field];
      if (!Number.isSafeInteger(value)) throw new AccountLimitError(field);
    }
    this.#account = next;
  }

  entry(input: {
    type: LedgerType;
    points: number;
    availableDelta: number;
    pendingDelta: number;
    reason: string;
    source: LedgerEntry['source'];
    programVersion?: number;
    explanation?: ExplanationStep[];
    by?: string;
  }): LedgerEntry {
    const seq = this.account.entrySeq + 1;
    this.account = {
      ...this.account,
      entrySeq: seq,
      available: this.account.available + input.availableDelta,
      pending: this.account.pending + input.pendingDelta,
    };
    const entry: LedgerEntry = {
      customerId: this.account.customerId,
      seq,
      entryId: entryIdFor(this.account.customerId, seq),
      ...input,
      balanceAfter: { available: this.account.available, pending: this.account.pending },
      createdAt: this.now,
    };
    this.entries.push(entry);
    return entry;
  }

  update(patch: Partial<Account>): void {
    this.account = { ...this.account, ...patch };
  }

  /** Adds available points as a new lot at the end of the stream. */
  releaseIntoStream(points: number, expiryDays: number): { start: number; end: number; expiresAt: string } {
    const start = this.account.releasedTotal;
    const end = start + points;
    // Never expire before an older lot: keeps expiry order equal to stream order (oldest first).
    const computed = addDays(this.now, expiryDays);
    const expiresAt = this.account.lastLotExpiresAt && this.account.lastLotExpiresAt > computed ? this.account.lastLotExpiresAt : computed;
    this.account = { ...this.account, releasedTotal: end, lastLotExpiresAt: expiresAt };
    return { start, end, expiresAt };
  }

  /** Takes points from available, oldest first. */
  consume(points: number): void {
    this.account = { ...this.account, fifoConsumed: this.account.fifoConsumed + points };
  }
}

export function entryIdFor(customerId: string, seq: number): string {
  return `${createHash('sha256').update(customerId).digest('base64url').slice(0, 8)}-${seq}`;
}

/** Deterministic shard of the due-time index, so one customer's due items stay in order in one partition. */
export const DUE_SHARDS = 8;
export function dueShard(customerId: string): number {
  return shardOf(customerId, DUE_SHARDS);
}
