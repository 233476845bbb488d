import type { OutboxRecord } from '../../../shared/events/outbox';
import type { Page } from '../../../shared/domain/pagination';
import type { Account, LedgerEntry, Lot } from './account';
import type { Plan } from './operations';
import type { Program } from './program';
import type { EarnRecord, Redemption, Reward, SpendRecord } from './records';

/** What the loyalty use cases need from storage (the DynamoDB adapter implements it). Extra items are opaque. */
export type ExtraItem = { readonly __extraItem?: never } & object;
export type DueKind = 'RELEASE' | 'REMIND' | 'EXPIRE' | 'TIER';
export type CommitOutcome = { kind: 'committed' } | { kind: 'conflict' } | { kind: 'extra-failed'; index: number };

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
  getMarker(customerId: string, kind: 'ADJUST' | 'IDEMP', key: string): Promise<Record<string, unknown> | undefined>;
  markerItem(customerId: string, kind: 'ADJUST' | 'IDEMP', key: string, value: Record<string, unknown>): ExtraItem;
  commit(plan: Plan, options?: { program?: Program; extras?: ExtraItem[] }): Promise<CommitOutcome>;
  markReminded(lot: Lot, outbox: OutboxRecord | undefined): Promise<void>;
  dueItems(kind: DueKind, shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: Record<string, unknown>[]; cursor?: Record<string, unknown> }>;
  getReward(rewardId: string): Promise<Reward | undefined>;
  stockDecrement(rewardId: string): ExtraItem;
  stockIncrement(rewardId: string): ExtraItem;
  redemptionPut(redemption: Redemption, condition: 'create' | { status: Redemption['status'] }): ExtraItem;
  couponPut(redemption: Redemption, condition: 'create' | { status: Redemption['status'] }): ExtraItem;
  getRedemption(redemptionId: string): Promise<Redemption | undefined>;
  getCoupon(code: string): Promise<{ redemptionId: string; status: Redemption['status'] } | undefined>;
  consumeCoupon(redemption: Redemption, usedAt: string, usedBy: string): Promise<'used' | 'not-active'>;
}
