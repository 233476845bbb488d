import type { OutboxRecord } from '../../../shared/events/outbox';
import type { Page } from '../../../shared/domain/pagination';
import type { Account, LedgerEntry, Lot } from './account';
import type { Plan } from './operations';
import type { Program } from './program';
import type { EarnRecord, Redemption, Reward, SpendRecord } from './records';

/**
 * What the loyalty use cases need from storage (the DynamoDB adapter implements it), in the domain's words: a plan
 * commits together with intents — remember an idempotency marker, take or return a reward's stock, create or move a
 * redemption and its coupon — and a refused commit names what stood in the way.
 */
export type DueKind = 'RELEASE' | 'REMIND' | 'EXPIRE' | 'TIER';
/** ADJUST#<adjustmentId>, IDEMP#<caller>#<key>, CREDIT#referral:<referralId>:<role> (a referral credited once). */
export type MarkerKind = 'ADJUST' | 'IDEMP' | 'CREDIT';

export type CommitIntent =
  /** Remembers a request under its idempotency key; refused if the key is already taken. */
  | { readonly kind: 'remember'; readonly customerId: string; readonly marker: MarkerKind; readonly key: string; readonly value: Record<string, unknown> }
  /** Takes one unit of a reward's stock (refused when none is left) or returns one. */
  | { readonly kind: 'take-stock' | 'return-stock'; readonly rewardId: string }
  /** Writes a redemption (and its coupon), refused unless it is new (`expect: 'new'`) or still in the expected status. */
  | { readonly kind: 'save-redemption'; readonly redemption: Redemption; readonly expect: 'new' | { readonly status: Redemption['status'] } };

/** What refused a commit: the account changed since it was read, or one of the intents' conditions. */
export type ConflictCause = 'account' | 'marker' | 'stock' | 'redemption';
export type CommitOutcome = { readonly kind: 'committed' } | { readonly kind: 'conflict'; readonly on: ConflictCause };

export interface LoyaltyStore {
  getProgram(): Promise<Program | undefined>;
  getProgramCached(ttlMs?: number): Promise<Program | undefined>;
  saveProgram(program: Program, previousVersion: number): Promise<'saved' | 'conflict'>;
  getAccount(customerId: string): Promise<Account>;
  lotsAndSpend(customerId: string): Promise<{ lots: Lot[]; spend: SpendRecord[] }>;
  spendSince(customerId: string, since: string): Promise<number>;
  getLot(customerId: string, lotId: string): Promise<Lot | undefined>;
  getEarn(customerId: string, storeId: string, orderId: string): Promise<EarnRecord | undefined>;
  ledger(customerId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>>;
  getMarker(customerId: string, kind: MarkerKind, key: string): Promise<Record<string, unknown> | undefined>;
  commit(plan: Plan, options?: { program?: Program; intents?: readonly CommitIntent[] }): Promise<CommitOutcome>;
  markReminded(lot: Lot, outbox: OutboxRecord | undefined): Promise<void>;
  dueItems(kind: DueKind, shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: Record<string, unknown>[]; cursor?: Record<string, unknown> }>;
  getReward(rewardId: string): Promise<Reward | undefined>;
  getRedemption(redemptionId: string): Promise<Redemption | undefined>;
  getCoupon(code: string): Promise<{ redemptionId: string; status: Redemption['status'] } | undefined>;
  consumeCoupon(redemption: Redemption, usedAt: string, usedBy: string): Promise<'used' | 'not-active'>;
}
