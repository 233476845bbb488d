import { randomBytes } from 'node:crypto';
import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import type { Page } from '../../../shared/domain/pagination';
import { sweepDue } from '../../../shared/schedules/sweep';
import { drawCode, MAX_SUFFIX, normalizeCode, normalizeEmail, prefixFrom, saltedHash, suffixLength } from './codes';
import { minimumOrderMinor, programOpen, type ReferralProgram, type ReferralProgramInput } from './program';
import {
  addDays,
  approve,
  attribute,
  change,
  expire,
  firstPurchase,
  judgeAttribution,
  judgeFirstPurchase,
  OPEN_STATUSES,
  qualifyAndReward,
  reject,
  utcDay,
  welcomeAtAttribution,
  type HistoryEntry,
  type Referral,
  type ReferralChange,
  type ReferralStatus,
} from './referral';
import type { Advocate, AdvocateStats, CodeRecord, CommitReferral, PurchaseFacts, ReferralStore, VelocityCount } from './store';

/**
 * The referral use cases. Each reads what it needs, plans the change purely (referral.ts) and commits it in one
 * transaction conditioned on what it read; a concurrent change makes it read and plan again (bounded, jittered), so
 * each transition happens once however often its event is delivered.
 */
type Store = ReferralStore;
const RETRIES: RetryPolicy = { maxAttempts: 25, baseDelayMs: 5, maxDelayMs: 250 };
const retrying = <T>(what: string, attempt: () => Promise<T | typeof RETRY>) => retryOnConflict(what, RETRIES, attempt);

export const DUE_SHARDS = 4;
const MAX_EMAIL_HASHES = 5;
const EMPTY_STATS: AdvocateStats = { clicks: 0, referred: 0, pending: 0, flagged: 0, qualified: 0, rewarded: 0, rejected: 0, expired: 0, pendingRewardPoints: 0 };

export function newReferralId(): string {
  return `rf_${randomBytes(12).toString('base64url')}`;
}

// ---- program

export type ProgramSave = { kind: 'saved'; program: ReferralProgram } | { kind: 'conflict' };

export async function saveReferralProgram(store: Store, input: ReferralProgramInput, by: string, now: string): Promise<ProgramSave> {
  const current = await store.getProgram();
  const program: ReferralProgram = { ...input, version: (current?.version ?? 0) + 1, updatedAt: now, updatedBy: by };
  return (await store.saveProgram(program, current?.version ?? 0)) === 'saved' ? { kind: 'saved', program } : { kind: 'conflict' };
}

// ---- codes

export interface CodeView {
  readonly customerId: string;
  readonly code: string;
  readonly status: CodeRecord['status'];
  readonly createdAt: string;
  readonly stats: AdvocateStats;
}

export type CodeResult = { kind: 'created' | 'existing'; view: CodeView } | { kind: 'banned' };

/** The customer's active code, created if they have none (idempotent: concurrent calls agree on one code). */
export async function ensureReferralCode(store: Store, request: { customerId: string; name?: string; email?: string }, now: string): Promise<CodeResult> {
  const salt = request.email !== undefined ? await store.hashSalt() : undefined;
  const emailHash = request.email !== undefined && salt ? hashEmail(salt, request.email) : undefined;
  const program = await store.getProgramCached();
  const personal = prefixFrom(request.name);
  const prefix = personal ?? program?.codePrefix ?? 'FRIEND';
  for (let attempt = 0; attempt < 12; attempt++) {
    const advocate = await store.getAdvocate(request.customerId);
    if (advocate?.banned) return { kind: 'banned' };
    if (advocate?.activeCode) {
      const code = await store.getCode(advocate.activeCode);
      if (code?.status === 'active') {
        if (emailHash && !advocate.emailHashes.includes(emailHash)) await store.rememberEmail(advocate.customerId, withEmail(advocate.emailHashes, emailHash), advocate.version);
        return { kind: 'existing', view: codeView(advocate, code) };
      }
    }
    const base: Advocate = advocate ?? { customerId: request.customerId, version: 0, emailHashes: [], recentRewards: [], stats: EMPTY_STATS, createdAt: now };
    const next: Advocate = { ...base, version: base.version + 1, activeCode: undefined, emailHashes: emailHash ? withEmail(base.emailHashes, emailHash) : base.emailHashes };
    const code: CodeRecord = { code: drawCode(prefix, suffixLength(personal !== undefined, attempt)), customerId: request.customerId, status: 'active', createdAt: now };
    const outcome = await store.createCode({ ...next, activeCode: code.code }, code, undefined, base.version);
    if (outcome === 'created') return { kind: 'created', view: codeView({ ...next, activeCode: code.code }, code) };
    // 'code-taken': another customer has this spelling, draw again; 'conflict': a concurrent call, read again.
    if (outcome === 'conflict') await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  }
  throw new Error('no unused referral code found in 12 attempts');
}

function withEmail(hashes: readonly string[], hash: string): string[] {
  return [hash, ...hashes.filter((candidate) => candidate !== hash)].slice(0, MAX_EMAIL_HASHES);
}

function hashEmail(salt: string, email: string): string | undefined {
  const normalized = normalizeEmail(email);
  return normalized ? saltedHash(salt, 'email', normalized) : undefined;
}

function codeView(advocate: Advocate, code: CodeRecord): CodeView {
  return { customerId: advocate.customerId, code: code.code, status: code.status, createdAt: code.createdAt, stats: advocate.stats };
}

export async function readReferralCode(store: Store, customerId: string): Promise<CodeView | undefined> {
  const advocate = await store.getAdvocate(customerId);
  if (!advocate?.activeCode) return undefined;
  const code = await store.getCode(advocate.activeCode);
  return code ? codeView(advocate, code) : undefined;
}

export type BlockResult = { kind: 'blocked'; code: CodeRecord } | { kind: 'not-found' } | { kind: 'not-active'; status: CodeRecord['status'] };

/** A marketer blocks a code: it never attributes again (the advocate may get a new one unless banned). */
export async function blockCode(store: Store, input: { code: string; by: string; reason: string }, now: string): Promise<BlockResult> {
  const spelled = normalizeCode(input.code);
  if (!spelled) return { kind: 'not-found' };
  return retrying(`block of a code`, async () => {
    const code = await store.getCode(spelled);
    if (!code) return { kind: 'not-found' } as const;
    if (code.status !== 'active') return { kind: 'not-active', status: code.status } as const;
    const advocate = await store.getAdvocate(code.customerId);
    if (!advocate) return { kind: 'not-found' } as const;
    const outcome = await store.blockCode(code, advocate, input.by, input.reason, now);
    return outcome === 'blocked' ? ({ kind: 'blocked', code: { ...code, status: 'blocked', changedAt: now, changedBy: input.by, reason: input.reason } } as const) : RETRY;
  });
}

export type RotateResult = { kind: 'rotated'; previous: string; view: CodeView } | { kind: 'not-found' } | { kind: 'not-active'; status: CodeRecord['status'] } | { kind: 'banned' };

/** A marketer replaces an active code with a new one; the old one stops attributing (status `rotated`). */
export async function rotateCode(store: Store, input: { code: string; by: string }, now: string): Promise<RotateResult> {
  const spelled = normalizeCode(input.code);
  if (!spelled) return { kind: 'not-found' };
  const current = await store.getCode(spelled);
  if (!current) return { kind: 'not-found' };
  if (current.status !== 'active') return { kind: 'not-active', status: current.status };
  const prefix = spelled.slice(0, spelled.indexOf('-'));
  // Never shorter than the code it replaces (a shared prefix needs its longer suffix to stay collision-safe).
  const currentSuffix = spelled.length - prefix.length - 1;
  for (let attempt = 0; attempt < 12; attempt++) {
    const advocate = await store.getAdvocate(current.customerId);
    if (!advocate) return { kind: 'not-found' };
    if (advocate.banned) return { kind: 'banned' };
    const fresh = await store.getCode(spelled);
    if (fresh?.status !== 'active') return { kind: 'not-active', status: fresh?.status ?? 'blocked' };
    const code: CodeRecord = { code: drawCode(prefix, Math.min(MAX_SUFFIX, currentSuffix + Math.floor(attempt / 2))), customerId: advocate.customerId, status: 'active', createdAt: now };
    const next: Advocate = { ...advocate, version: advocate.version + 1, activeCode: code.code };
    const previous: CodeRecord = { ...fresh, status: 'rotated', changedAt: now, changedBy: input.by };
    const outcome = await store.createCode(next, code, previous, advocate.version);
    if (outcome === 'created') return { kind: 'rotated', previous: spelled, view: codeView(next, code) };
  }
  throw new Error('no unused referral code found in 12 attempts');
}

// ---- share links

export type LinkResult = { kind: 'redirect'; location: string; counted: boolean } | { kind: 'no-program' };

/** A share link: counts the click (rate-limited per network) and sends the friend to the landing page. */
export async function followLink(store: Store, input: { code: string; ip: string }, now: string): Promise<LinkResult> {
  const program = await store.getProgramCached();
  if (!program) return { kind: 'no-program' };
  const spelled = normalizeCode(input.code);
  const code = spelled ? await store.getCode(spelled) : undefined;
  if (!code || code.status !== 'active') return { kind: 'redirect', location: program.landingUrl, counted: false };
  const advocate = await store.getAdvocate(code.customerId);
  if (!advocate || advocate.banned) return { kind: 'redirect', location: program.landingUrl, counted: false };
  const ipHash = saltedHash(await store.hashSalt(), 'ip', input.ip);
  const counted = (await store.countClick(code, ipHash, now.slice(0, 13), program.clicksPerIpPerHour)) === 'counted';
  const url = new URL(program.landingUrl);
  url.searchParams.set('ref', code.code);
  return { kind: 'redirect', location: url.toString(), counted };
}

// ---- attribution by signup (POST /v1/referrals)

export type SignupResult =
  | { kind: 'created' | 'existing'; referral: Referral }
  | { kind: 'already-referred' }
  | { kind: 'unknown-code' }
  | { kind: 'inactive-code'; status: string }
  | { kind: 'closed'; reason: string };

export interface SignupAttribution {
  readonly code: string;
  readonly refereeCustomerId: string;
  readonly refereeEmail?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly by: string;
}

export async function attributeSignup(store: Store, purchases: PurchaseFacts, request: SignupAttribution, now: string): Promise<SignupResult> {
  const spelled = normalizeCode(request.code);
  if (!spelled) return { kind: 'unknown-code' };
  const [program, code, salt] = await Promise.all([store.getProgram(), store.getCode(spelled), store.hashSalt()]);
  if (!code) return { kind: 'unknown-code' };
  const referralId = newReferralId();
  return retrying(`attribution of a referee`, async () => {
    const claim = await store.refereeClaim(request.refereeCustomerId);
    const claimed = claim ? await store.getReferral(claim) : undefined;
    if (claimed && !releasesReferee(claimed)) {
      return claimed.code === code.code ? ({ kind: 'existing', referral: claimed } as const) : ({ kind: 'already-referred' } as const);
    }
    if (code.status !== 'active') return { kind: 'inactive-code', status: code.status } as const;
    if (!program) return { kind: 'closed', reason: 'no referral program is configured' } as const;
    const open = programOpen(program, now);
    if (!open.open) return { kind: 'closed', reason: open.reason } as const;
    const advocate = await store.getAdvocate(code.customerId);
    const refereeEmailHash = request.refereeEmail !== undefined ? hashEmail(salt, request.refereeEmail) : undefined;
    const planned = attribute(
      {
        referralId,
        code: code.code,
        advocateCustomerId: code.customerId,
        refereeCustomerId: request.refereeCustomerId,
        via: 'signup',
        ...(refereeEmailHash ? { refereeEmailHash } : {}),
        ...(request.ip ? { ipHash: saltedHash(salt, 'ip', request.ip) } : {}),
        ...(request.userAgent ? { agentHash: saltedHash(salt, 'agent', request.userAgent) } : {}),
        by: request.by,
      },
      program,
      now,
    );
    // Rules that need no purchase decide at once: a self-referral or an existing customer is rejected at attribution.
    const verdict = judgeAttribution(
      planned.referral,
      {
        ...(refereeEmailHash ? { refereeEmailHash } : {}),
        advocateEmailHashes: advocate?.emailHashes ?? [],
        advocateBanned: advocate?.banned !== undefined,
        earlierPurchase: program.rules.existingCustomer.enabled ? await purchases.purchasedBefore(request.refereeCustomerId, now) : false,
      },
      program,
    );
    if (verdict.kind === 'reject') reject(planned, { reason: verdict.reason, rule: verdict.rule, detail: verdict.detail, by: request.by }, now);
    else welcomeAtAttribution(planned, program, request.by, now);
    const outcome = await store.commit({ change: planned, claimReferee: claimed ? { replacing: claimed.referralId } : {} });
    if (outcome.kind === 'committed') return { kind: 'created', referral: planned.referral } as const;
    return RETRY;
  });
}

/**
 * Whether a referral lets its referee go: one rejected before any purchase was never valid (the first VALID attribution
 * wins), and one whose window passed unused no longer qualifies — a later attribution may take the referee.
 */
function releasesReferee(referral: Referral): boolean {
  return (referral.status === 'rejected' && referral.order === undefined) || referral.status === 'expired';
}

// ---- purchases and refunds (event consumers)

export interface PurchaseEvent {
  readonly storeId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly email?: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly occurredAt: string;
  readonly referralCode?: string;
}

export type PurchaseOutcome = 'not-referred' | 'attributed' | 'judged' | 'already-judged' | 'not-first' | 'expired' | 'ignored-code';

/**
 * A purchase: remembers the email of an advocate (self-referral rule), and for a referee's first purchase judges the
 * referral (pending, flagged or rejected); a purchase carrying a code of someone not yet referred attributes them.
 */
export async function onPurchase(store: Store, purchases: PurchaseFacts, purchase: PurchaseEvent, now: string): Promise<PurchaseOutcome> {
  const salt = await store.hashSalt();
  const emailHash = purchase.email !== undefined ? hashEmail(salt, purchase.email) : undefined;
  // One read for both records every purchase needs: the buyer as an advocate (their email) and as a referee (the claim).
  const records = await store.customerRecords(purchase.customerId);
  if (emailHash && records.advocate) await rememberAdvocateEmail(store, records.advocate, emailHash);
  const referralId = newReferralId();
  let firstAttempt = true;
  return retrying(`referral judgement of order ${purchase.orderId}`, async () => {
    // The first attempt uses the claim read above; a retry (after a conflict) reads it again.
    const claim = firstAttempt ? records.claim : await store.refereeClaim(purchase.customerId);
    firstAttempt = false;
    const claimed = claim ? await store.getReferral(claim) : undefined;
    if (claimed && !releasesReferee(claimed)) return judgeClaimed(store, purchases, claimed, purchase, emailHash, now);
    if (purchase.referralCode === undefined) return 'not-referred';
    const spelled = normalizeCode(purchase.referralCode);
    const code = spelled ? await store.getCode(spelled) : undefined;
    const program = await store.getProgram();
    if (!code || code.status !== 'active' || !program || !programOpen(program, now).open) return 'ignored-code';
    const planned = attribute(
      { referralId, code: code.code, advocateCustomerId: code.customerId, refereeCustomerId: purchase.customerId, via: 'purchase', ...(emailHash ? { refereeEmailHash: emailHash } : {}), by: 'purchase-recorded' },
      program,
      now,
    );
    const judged = await judge(store, purchases, planned, purchase, emailHash, program, now);
    const outcome = await store.commit({ ...judged, claimReferee: claimed ? { replacing: claimed.referralId } : {} });
    return outcome.kind === 'committed' ? 'attributed' : RETRY;
  });
}

async function judgeClaimed(store: Store, purchases: PurchaseFacts, referral: Referral, purchase: PurchaseEvent, emailHash: string | undefined, now: string): Promise<PurchaseOutcome | typeof RETRY> {
  if (referral.order) return referral.order.storeId === purchase.storeId && referral.order.orderId === purchase.orderId ? 'already-judged' : 'not-first';
  if (referral.status !== 'attributed') return 'not-first';
  const program = await store.getProgram();
  if (!program) return 'not-first';
  const planned = change(referral);
  if (referral.windowEndsAt && Date.parse(purchase.occurredAt) > Date.parse(referral.windowEndsAt)) {
    const outcome = await store.commit({ change: expire(planned, now) });
    return outcome.kind === 'committed' ? 'expired' : RETRY;
  }
  const judged = await judge(store, purchases, planned, purchase, emailHash, program, now);
  const outcome = await store.commit(judged);
  return outcome.kind === 'committed' ? 'judged' : RETRY;
}

/** Gathers the facts about a first purchase, judges them, and plans the transition with the counters it used. */
async function judge(store: Store, purchases: PurchaseFacts, planned: ReferralChange, purchase: PurchaseEvent, emailHash: string | undefined, program: ReferralProgram, now: string): Promise<CommitReferral> {
  const referral = planned.referral;
  const day = utcDay(now);
  const ipKey = referral.ipHash ? `IP#${referral.ipHash}#${day}` : undefined;
  const advocateKey = `ADVOCATE#${referral.advocateCustomerId}#${day}`;
  const attributedBefore = referral.via === 'signup' ? referral.attributedAt : purchase.occurredAt;
  const [advocate, standing, earlierPurchase, ipCount, advocateCount] = await Promise.all([
    store.getAdvocate(referral.advocateCustomerId),
    purchases.standing(purchase.storeId, purchase.orderId),
    program.rules.existingCustomer.enabled ? purchases.purchasedBefore(purchase.customerId, attributedBefore, { storeId: purchase.storeId, orderId: purchase.orderId }) : Promise.resolve(false),
    ipKey ? store.velocity(ipKey) : Promise.resolve(undefined),
    store.velocity(advocateKey),
  ]);
  const refundedMinor = standing?.refundedMinor ?? 0;
  const facts = {
    order: { storeId: purchase.storeId, orderId: purchase.orderId, amountMinor: purchase.amountMinor, currency: purchase.currency, occurredAt: purchase.occurredAt },
    netAmountMinor: purchase.amountMinor - refundedMinor,
    fullyRefunded: refundedMinor >= purchase.amountMinor,
    ...(emailHash ? { refereeEmailHash: emailHash } : {}),
    advocateEmailHashes: advocate?.emailHashes ?? [],
    advocateBanned: advocate?.banned !== undefined,
    earlierPurchase,
    ...(ipCount !== undefined ? { ipCountToday: ipCount } : {}),
    advocateCountToday: advocateCount,
  };
  const verdict = judgeFirstPurchase(referral, facts, program, minimumOrderMinor(program));
  firstPurchase(planned, facts, verdict, program, 'purchase-recorded', now);
  // Only referrals that passed the no-purchase rules count towards velocity (rejected ones are not a burst to review).
  const velocity: VelocityCount[] = verdict.kind === 'reject' ? [] : [...(ipKey ? [{ key: ipKey, seen: ipCount ?? 0 }] : []), { key: advocateKey, seen: advocateCount }];
  return { change: planned, velocity };
}

async function rememberAdvocateEmail(store: Store, read: Advocate, emailHash: string): Promise<void> {
  let advocate: Advocate | undefined = read;
  for (let attempt = 0; attempt < 5 && advocate && advocate.emailHashes[0] !== emailHash; attempt++) {
    if ((await store.rememberEmail(advocate.customerId, withEmail(advocate.emailHashes, emailHash), advocate.version)) === 'saved') return;
    advocate = await store.getAdvocate(advocate.customerId);
  }
}

export interface RefundEvent {
  readonly storeId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly purchaseAmountMinor: number;
  readonly refundedTotalMinor: number;
  readonly fullyRefunded: boolean;
}

/** A refund of a held qualifying purchase: in full, or leaving less than the minimum order, rejects the referral. */
export async function onRefund(store: Store, refund: RefundEvent, now: string): Promise<'not-referred' | 'rejected' | 'unaffected'> {
  return retrying(`referral check of a refund of order ${refund.orderId}`, async () => {
    const claim = await store.refereeClaim(refund.customerId);
    const referral = claim ? await store.getReferral(claim) : undefined;
    if (!referral?.order || referral.order.storeId !== refund.storeId || referral.order.orderId !== refund.orderId) return 'not-referred' as const;
    if (referral.status !== 'pending' && referral.status !== 'flagged') return 'unaffected' as const;
    const program = await store.getProgram();
    const minimum = program ? minimumOrderMinor(program) : undefined;
    const remaining = refund.purchaseAmountMinor - refund.refundedTotalMinor;
    const below = minimum !== undefined && minimum.currency === referral.order.currency && remaining < minimum.amountMinor;
    if (!refund.fullyRefunded && !below) return 'unaffected' as const;
    const detail = refund.fullyRefunded ? 'the qualifying purchase was fully refunded during the hold' : 'a refund took the qualifying purchase below the minimum order';
    const outcome = await store.commit({ change: reject(change(referral), { reason: 'refunded', rule: 'refund', detail, by: 'purchase-refunded' }, now) });
    return outcome.kind === 'committed' ? ('rejected' as const) : RETRY;
  });
}

// ---- the settle schedule

export interface SettleReport {
  readonly schedule: string;
  processed: number;
  changed: number;
  more: boolean;
  pages: number;
  shardsDone: number;
}

/**
 * Referrals whose hold or window ended: a pending one is re-checked against its order as it stands now (a refund may
 * have been recorded while its event is still on the way) and the advocate's limits, then qualified and rewarded, or
 * rejected; an attributed one past its window expires.
 */
export async function settleDueReferrals(store: Store, purchases: PurchaseFacts, now: string, limits: { timeLeftMs?: () => number; budget?: number } = {}): Promise<SettleReport> {
  const swept = await sweepDue({
    shards: DUE_SHARDS,
    page: (shard, cursor) => store.dueReferrals(shard, now, 100, cursor),
    orderKey: (item) => item.referralId,
    handle: (item) => settleOne(store, purchases, item.referralId, now),
    concurrency: 4,
    ...(limits.timeLeftMs ? { timeLeftMs: limits.timeLeftMs } : {}),
    ...(limits.budget !== undefined ? { budget: limits.budget } : {}),
  });
  return { schedule: 'referrals-settle', ...swept };
}

async function settleOne(store: Store, purchases: PurchaseFacts, referralId: string, now: string): Promise<boolean> {
  return retrying(`settlement of a referral`, async () => {
    const referral = await store.getReferral(referralId);
    if (!referral) return false;
    if (referral.status === 'attributed' && referral.windowEndsAt && referral.windowEndsAt <= now) {
      return (await store.commit({ change: expire(change(referral), now) })).kind === 'committed' ? true : RETRY;
    }
    if (referral.status !== 'pending' || !referral.holdUntil || referral.holdUntil > now || !referral.order) return false;
    const program = await store.getProgram();
    if (!program) return false;
    const commit = await decideAtHoldEnd(store, purchases, referral, program, 'schedule', now);
    return (await store.commit(commit)).kind === 'committed' ? true : RETRY;
  });
}

/** Qualify and reward, or reject (refunded since, advocate banned, reward limit reached). */
async function decideAtHoldEnd(store: Store, purchases: PurchaseFacts, referral: Referral, program: ReferralProgram, by: string, now: string): Promise<CommitReferral> {
  const order = referral.order as NonNullable<Referral['order']>;
  const [standing, advocate] = await Promise.all([purchases.standing(order.storeId, order.orderId), store.getAdvocate(referral.advocateCustomerId)]);
  const planned = change(referral);
  const minimum = minimumOrderMinor(program);
  const net = standing ? standing.amountMinor - standing.refundedMinor : order.amountMinor;
  if (standing && standing.refundedMinor >= standing.amountMinor) return { change: reject(planned, { reason: 'refunded', rule: 'refund', detail: 'the qualifying purchase was fully refunded', by }, now) };
  if (minimum && minimum.currency === order.currency && net < minimum.amountMinor) {
    return { change: reject(planned, { reason: 'refunded', rule: 'refund', detail: 'refunds took the qualifying purchase below the minimum order', by }, now) };
  }
  if (advocate?.banned) return { change: reject(planned, { reason: 'advocate_banned', rule: 'ban', detail: 'the advocate is banned from the referral program', by }, now) };
  const windowStart = addDays(now, -30);
  const recent = (advocate?.recentRewards ?? []).filter((at) => at > windowStart);
  if (recent.length >= program.limits.maxRewardsPerAdvocatePer30Days) {
    return { change: reject(planned, { reason: 'reward_limit', rule: 'advocateRewardLimit', detail: `the advocate was rewarded ${recent.length} times in 30 days (limit ${program.limits.maxRewardsPerAdvocatePer30Days})`, by }, now) };
  }
  const rewarded = referral.status === 'flagged' ? approve(planned, program, by, now) : qualifyAndReward(planned, program, by, now);
  return {
    change: rewarded,
    ...(advocate ? { advocateRewards: { expectedVersion: advocate.version, recentRewards: [now, ...recent].slice(0, program.limits.maxRewardsPerAdvocatePer30Days) } } : {}),
  };
}

// ---- review (marketers)

export type ReviewResult = { kind: 'decided'; referral: Referral } | { kind: 'not-found' } | { kind: 'not-reviewable'; status: ReferralStatus };

export async function approveReferral(store: Store, purchases: PurchaseFacts, request: { referralId: string; by: string }, now: string): Promise<ReviewResult> {
  return retrying(`approval of a referral`, async () => {
    const referral = await store.getReferral(request.referralId);
    if (!referral) return { kind: 'not-found' } as const;
    if (referral.status !== 'flagged') return { kind: 'not-reviewable', status: referral.status } as const;
    const program = await store.getProgram();
    if (!program) return { kind: 'not-reviewable', status: referral.status } as const;
    const commit = referral.holdUntil && referral.holdUntil > now ? { change: approve(change(referral), program, request.by, now) } : await decideAtHoldEnd(store, purchases, referral, program, request.by, now);
    const outcome = await store.commit(commit);
    return outcome.kind === 'committed' ? ({ kind: 'decided', referral: commit.change.referral } as const) : RETRY;
  });
}

export async function rejectReferral(store: Store, request: { referralId: string; by: string; reason: string }, now: string): Promise<ReviewResult> {
  return retrying(`rejection of a referral`, async () => {
    const referral = await store.getReferral(request.referralId);
    if (!referral) return { kind: 'not-found' } as const;
    if (!OPEN_STATUSES.includes(referral.status)) return { kind: 'not-reviewable', status: referral.status } as const;
    const planned = reject(change(referral), { reason: request.reason, by: request.by }, now);
    const outcome = await store.commit({ change: planned });
    return outcome.kind === 'committed' ? ({ kind: 'decided', referral: planned.referral } as const) : RETRY;
  });
}

export type BanResult = { kind: 'banned'; voided: number; remaining: boolean; alreadyBanned: boolean } | { kind: 'not-found' };

/**
 * Bans an advocate: their code is blocked, nothing of theirs is rewarded from now on (every transition checks the ban),
 * and their open referrals are rejected — as many as the time allows; the rest are rejected when next looked at.
 */
export async function banAdvocate(store: Store, request: { customerId: string; by: string; reason: string; timeLeftMs: () => number }, now: string): Promise<BanResult> {
  let alreadyBanned = false;
  const banned = await retrying(`ban of an advocate`, async () => {
    const advocate = await store.getAdvocate(request.customerId);
    if (!advocate) return false;
    if (advocate.banned) {
      alreadyBanned = true;
      return true;
    }
    return (await store.banAdvocate(advocate, { at: now, by: request.by, reason: request.reason })) === 'banned' ? true : RETRY;
  });
  if (!banned) return { kind: 'not-found' };
  let voided = 0;
  let cursor: string | undefined;
  do {
    if (request.timeLeftMs() <= 0) return { kind: 'banned', voided, remaining: true, alreadyBanned };
    const page: Page<Referral> = await store.listByAdvocate(request.customerId, 50, cursor);
    for (const listed of page.items.filter((item) => OPEN_STATUSES.includes(item.status))) {
      const result = await rejectReferral(store, { referralId: listed.referralId, by: request.by, reason: 'advocate_banned' }, now);
      if (result.kind === 'decided') voided++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { kind: 'banned', voided, remaining: false, alreadyBanned };
}

export async function referralWithHistory(store: Store, referralId: string): Promise<{ referral: Referral; history: HistoryEntry[] } | undefined> {
  const [referral, history] = await Promise.all([store.getReferral(referralId), store.history(referralId)]);
  return referral ? { referral, history } : undefined;
}
