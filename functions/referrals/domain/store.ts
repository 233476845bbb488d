import type { Page } from '../../../shared/domain/pagination';
import type { ReferralProgram } from './program';
import type { HistoryEntry, Referral, ReferralChange, ReferralStatus } from './referral';

/**
 * What the referral use cases need from storage (the DynamoDB adapter implements it), in the domain's words. A
 * referral change commits with its history (and so its events), the advocate's counters, the referee's claim (one
 * referrer per referee) and the velocity counters it was judged by — all or nothing.
 */
export type CodeStatus = 'active' | 'blocked' | 'rotated';

export interface CodeRecord {
  readonly code: string;
  readonly customerId: string;
  readonly status: CodeStatus;
  readonly createdAt: string;
  readonly changedAt?: string;
  readonly changedBy?: string;
  readonly reason?: string;
}

export interface AdvocateStats {
  readonly clicks: number;
  readonly referred: number;
  readonly pending: number;
  readonly flagged: number;
  readonly qualified: number;
  readonly rewarded: number;
  readonly rejected: number;
  readonly expired: number;
  readonly pendingRewardPoints: number;
}

export interface Advocate {
  readonly customerId: string;
  /** Optimistic-concurrency version of the code and ban fields (counters are added without it). */
  readonly version: number;
  readonly activeCode?: string;
  /** Salted hashes of the emails this customer used (self-referral rule), newest first, at most 5. */
  readonly emailHashes: readonly string[];
  /** When this advocate's recent rewards were given (the limit per 30 days), newest first. */
  readonly recentRewards: readonly string[];
  readonly banned?: { readonly at: string; readonly by: string; readonly reason: string };
  readonly stats: AdvocateStats;
  readonly createdAt: string;
}

/** A velocity counter as read: its key and the count the decision saw (the commit is conditioned on it). */
export interface VelocityCount {
  readonly key: string;
  readonly seen: number;
}

export interface CommitReferral {
  readonly change: ReferralChange;
  /** Claim the referee for this referral (new referrals), replacing a claim by a referral rejected at attribution. */
  readonly claimReferee?: { readonly replacing?: string };
  readonly velocity?: readonly VelocityCount[];
  /** The advocate's recent rewards after this change, conditioned on the advocate version read. */
  readonly advocateRewards?: { readonly expectedVersion: number; readonly recentRewards: readonly string[] };
}

export type CommitOutcome = { readonly kind: 'committed' } | { readonly kind: 'conflict'; readonly on: 'referral' | 'referee' | 'velocity' | 'advocate' };

export interface ReferralStore {
  getProgram(): Promise<ReferralProgram | undefined>;
  getProgramCached(ttlMs?: number): Promise<ReferralProgram | undefined>;
  saveProgram(program: ReferralProgram, previousVersion: number): Promise<'saved' | 'conflict'>;
  /** The deployment's secret salt for hashes (created once, on first use). */
  hashSalt(): Promise<string>;

  getAdvocate(customerId: string): Promise<Advocate | undefined>;
  getCode(code: string): Promise<CodeRecord | undefined>;
  /** Writes a new active code and makes it the advocate's (creating the advocate): refused if the spelling is taken. */
  createCode(advocate: Advocate, code: CodeRecord, previous: CodeRecord | undefined, expectedVersion: number): Promise<'created' | 'code-taken' | 'conflict'>;
  /** Blocks a code (and clears it as the advocate's active code). */
  blockCode(code: CodeRecord, advocate: Advocate, by: string, reason: string, at: string): Promise<'blocked' | 'conflict'>;
  banAdvocate(advocate: Advocate, ban: NonNullable<Advocate['banned']>): Promise<'banned' | 'conflict'>;
  rememberEmail(customerId: string, emailHashes: readonly string[], expectedVersion: number): Promise<'saved' | 'conflict'>;
  /** Counts one click unless this network's clicks this hour reached the limit. */
  countClick(code: CodeRecord, ipHash: string, hour: string, limit: number): Promise<'counted' | 'rate-limited'>;

  /** The referral claiming this referee, if any. */
  refereeClaim(customerId: string): Promise<string | undefined>;
  /** The customer as an advocate and as a referee (the claim's referral id), in one read. */
  customerRecords(customerId: string): Promise<{ advocate?: Advocate; claim?: string }>;
  getReferral(referralId: string): Promise<Referral | undefined>;
  history(referralId: string): Promise<HistoryEntry[]>;
  velocity(key: string): Promise<number>;
  commit(commit: CommitReferral): Promise<CommitOutcome>;
  listByStatus(status: ReferralStatus, limit: number, cursor?: string): Promise<Page<Referral>>;
  listByAdvocate(customerId: string, limit: number, cursor?: string): Promise<Page<Referral>>;
  dueReferrals(shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: { referralId: string }[]; cursor?: Record<string, unknown> }>;
}

/** What the referral service asks of purchases (through the purchases service's read facade). */
export interface PurchaseFacts {
  /** The order as it stands now (amount, refunds so far), or undefined if the purchases service has no such order. */
  standing(storeId: string, orderId: string): Promise<{ amountMinor: number; refundedMinor: number; currency: string; occurredAt: string } | undefined>;
  /** Whether the customer has a purchase (other than `exceptOrder`) that occurred before `before`. */
  purchasedBefore(customerId: string, before: string, exceptOrder?: { storeId: string; orderId: string }): Promise<boolean>;
}
