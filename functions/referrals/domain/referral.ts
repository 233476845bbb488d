import type { Offer, ReferralProgram } from './program';

/**
 * A referral and its lifecycle, as pure state transitions:
 *
 *   attributed → pending → qualified → rewarded
 *        ↘         ↘  ↘ flagged ↗ (a marketer approves)
 *      expired    rejected (a rule, a refund, a ban, or a marketer; from attributed, pending or flagged)
 *
 * Every transition appends a history entry with its reason, and each history entry carries the event announcing it
 * (written in the same transaction as the referral: nothing announced that did not happen, nothing happened unannounced).
 */
export type ReferralStatus = 'attributed' | 'pending' | 'flagged' | 'qualified' | 'rewarded' | 'rejected' | 'expired';
export const REFERRAL_STATUSES: readonly ReferralStatus[] = ['attributed', 'pending', 'flagged', 'qualified', 'rewarded', 'rejected', 'expired'];
/** The states a referral leaves again; the others are final. */
export const OPEN_STATUSES: readonly ReferralStatus[] = ['attributed', 'pending', 'flagged'];

/** Why a rule or a person rejected a referral (the `reason` of ReferralRejected, except a marketer's own words). */
export type RejectionCode = 'self_referral' | 'existing_customer' | 'below_minimum' | 'refunded' | 'advocate_banned' | 'reward_limit';

export interface QualifyingOrder {
  readonly storeId: string;
  readonly orderId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly occurredAt: string;
}

export interface Referral {
  readonly referralId: string;
  readonly code: string;
  readonly advocateCustomerId: string;
  readonly refereeCustomerId: string;
  readonly status: ReferralStatus;
  readonly via: 'purchase' | 'signup';
  readonly attributedAt: string;
  readonly windowEndsAt?: string;
  readonly order?: QualifyingOrder;
  readonly holdUntil?: string;
  /** Salted hashes only (see codes.ts): the fraud rules compare these, never addresses. */
  readonly refereeEmailHash?: string;
  readonly ipHash?: string;
  readonly agentHash?: string;
  readonly flags: readonly { readonly rule: string; readonly reason: string; readonly at: string }[];
  readonly rejection?: { readonly reason: string; readonly rule?: string; readonly by: string; readonly at: string };
  readonly welcomeOffered: boolean;
  readonly rewardedAt?: string;
  /** The advocate's points held while pending (from the program that judged the first purchase). */
  readonly heldPoints?: number;
  /** The advocate's reward as the program promised it at the first purchase: what qualifying pays, whatever changed since. */
  readonly promisedReward?: Offer;
  readonly programVersion: number;
  /** Optimistic-concurrency version; 0 means not stored yet. */
  readonly version: number;
  readonly historySeq: number;
  readonly updatedAt: string;
}

export type ReferralEventName = 'ReferralAttributed' | 'ReferralPending' | 'ReferralFlagged' | 'ReferralQualified' | 'ReferralRewarded' | 'ReferralWelcomeOffered' | 'ReferralRejected' | 'ReferralExpired';

export interface HistoryEntry {
  readonly seq: number;
  readonly at: string;
  /** The status after this entry (offers leave the status as it was). */
  readonly status: ReferralStatus;
  readonly event: ReferralEventName;
  readonly reason: string;
  readonly rule?: string;
  readonly by: string;
  /** The announcing event's data (the contract's `data`). */
  readonly data: Record<string, unknown>;
}

/** A planned change: the referral after it and the history entries (and so events) it appends. */
export interface ReferralChange {
  readonly before: Referral | undefined;
  referral: Referral;
  readonly history: HistoryEntry[];
  /** Advocate counters to add (stats shown with the code). */
  readonly stats: Partial<Record<'referred' | 'pending' | 'flagged' | 'qualified' | 'rewarded' | 'rejected' | 'expired' | 'pendingRewardPoints', number>>;
}

export function refOf(referral: Referral) {
  return { referralId: referral.referralId, code: referral.code, advocateCustomerId: referral.advocateCustomerId, refereeCustomerId: referral.refereeCustomerId };
}

function begin(before: Referral | undefined, referral: Referral): ReferralChange {
  return { before, referral, history: [], stats: {} };
}

function bump(change: ReferralChange, stat: keyof ReferralChange['stats'], by: number): void {
  change.stats[stat] = (change.stats[stat] ?? 0) + by;
}

function append(change: ReferralChange, entry: Omit<HistoryEntry, 'seq' | 'status'> & { status?: ReferralStatus }, at: string, patch: Partial<Referral> = {}): void {
  const seq = change.referral.historySeq + 1;
  const status = entry.status ?? change.referral.status;
  change.referral = { ...change.referral, ...patch, status, historySeq: seq, updatedAt: at };
  change.history.push({ ...entry, seq, status });
}

/**
 * The advocate's counters: `pending` and `flagged` count referrals in that state now; `qualified`, `rewarded`,
 * `rejected` and `expired` count every referral that ever got there; `referred` every attribution.
 */
function enter(change: ReferralChange, status: ReferralStatus): void {
  if (status !== 'attributed') bump(change, status, 1);
}

function leave(change: ReferralChange): void {
  const status = change.referral.status;
  if (status === 'pending' || status === 'flagged') bump(change, status, -1);
}

function heldPoints(program: Pick<ReferralProgram, 'advocateReward'>): number {
  return program.advocateReward.kind === 'points' ? program.advocateReward.points : 0;
}

// ---- attribution

export interface Attribution {
  readonly referralId: string;
  readonly code: string;
  readonly advocateCustomerId: string;
  readonly refereeCustomerId: string;
  readonly via: 'purchase' | 'signup';
  readonly refereeEmailHash?: string;
  readonly ipHash?: string;
  readonly agentHash?: string;
  readonly by: string;
}

/** A new referral, attributed (a signup: its window starts now; a purchase attribution is followed by firstPurchase). */
export function attribute(attribution: Attribution, program: ReferralProgram, now: string): ReferralChange {
  const windowEndsAt = attribution.via === 'signup' ? addDays(now, program.attributionWindowDays) : undefined;
  const referral: Referral = {
    referralId: attribution.referralId,
    code: attribution.code,
    advocateCustomerId: attribution.advocateCustomerId,
    refereeCustomerId: attribution.refereeCustomerId,
    status: 'attributed',
    via: attribution.via,
    attributedAt: now,
    ...(windowEndsAt ? { windowEndsAt } : {}),
    ...(attribution.refereeEmailHash ? { refereeEmailHash: attribution.refereeEmailHash } : {}),
    ...(attribution.ipHash ? { ipHash: attribution.ipHash } : {}),
    ...(attribution.agentHash ? { agentHash: attribution.agentHash } : {}),
    flags: [],
    welcomeOffered: false,
    programVersion: program.version,
    version: 0,
    historySeq: 0,
    updatedAt: now,
  };
  const change = begin(undefined, referral);
  bump(change, 'referred', 1);
  append(change, {
    event: 'ReferralAttributed',
    status: 'attributed',
    reason: attribution.via === 'signup' ? 'signed up with the code' : 'first purchase carried the code',
    by: attribution.by,
    at: now,
    data: { ...refOf(referral), via: attribution.via, attributedAt: now, ...(windowEndsAt ? { windowEndsAt } : {}) },
  }, now);
  return change;
}

/**
 * The friend's welcome offer when the program gives it at attribution — called once the attribution passed the rules
 * that need no purchase (a rejected self-referral gets nothing).
 */
export function welcomeAtAttribution(change: ReferralChange, program: ReferralProgram, by: string, now: string): ReferralChange {
  if (program.refereeReward?.when === 'attribution' && OPEN_STATUSES.includes(change.referral.status)) offerWelcome(change, program.refereeReward.offer, by, now);
  return change;
}

function offerWelcome(change: ReferralChange, offer: Offer, by: string, now: string): void {
  if (change.referral.welcomeOffered) return;
  append(change, { event: 'ReferralWelcomeOffered', reason: 'welcome offer for the friend', by, at: now, data: { ...refOf(change.referral), offer } }, now, { welcomeOffered: true });
}

// ---- first purchase and its judgement

/** What the rules that need no purchase look at (checked at a signup attribution, and again at the first purchase). */
export interface AttributionFacts {
  readonly refereeEmailHash?: string;
  readonly advocateEmailHashes: readonly string[];
  readonly advocateBanned: boolean;
  /** The referee had a purchase before this one (or before a signup attribution). */
  readonly earlierPurchase: boolean;
}

/** What the rules found about a first purchase (gathered by the use case; judged here). */
export interface FirstPurchaseFacts extends AttributionFacts {
  readonly order: QualifyingOrder;
  /** The order's amount net of refunds so far, and whether it is fully refunded already (a refund can arrive first). */
  readonly netAmountMinor: number;
  readonly fullyRefunded: boolean;
  /** Referred first purchases already counted today: from the referral's network, and for its advocate. */
  readonly ipCountToday?: number;
  readonly advocateCountToday: number;
}

export type Verdict = { readonly kind: 'pass' } | { readonly kind: 'reject'; readonly reason: RejectionCode; readonly rule: string; readonly detail: string } | { readonly kind: 'flag'; readonly rule: string; readonly detail: string };
type Rejection = Extract<Verdict, { kind: 'reject' }>;

/** The rules that need no purchase, in order: a ban, a self-referral, an existing customer. */
export function judgeAttribution(referral: Referral, facts: AttributionFacts, program: ReferralProgram): Rejection | { readonly kind: 'pass' } {
  if (facts.advocateBanned) return { kind: 'reject', reason: 'advocate_banned', rule: 'ban', detail: 'the advocate is banned from the referral program' };
  if (program.rules.selfReferral.enabled) {
    if (referral.refereeCustomerId === referral.advocateCustomerId) return { kind: 'reject', reason: 'self_referral', rule: 'selfReferral', detail: 'the friend is the advocate (same customer id)' };
    // Every email the friend used (at signup and on the purchase) is compared: either matching the advocate's is enough.
    const emails = [facts.refereeEmailHash, referral.refereeEmailHash].filter((hash): hash is string => hash !== undefined);
    if (emails.some((hash) => facts.advocateEmailHashes.includes(hash))) return { kind: 'reject', reason: 'self_referral', rule: 'selfReferral', detail: "the friend's email is the advocate's (after normalization)" };
  }
  if (program.rules.existingCustomer.enabled && facts.earlierPurchase) {
    return { kind: 'reject', reason: 'existing_customer', rule: 'existingCustomer', detail: 'the friend had purchased before the referral' };
  }
  return { kind: 'pass' };
}

/** Every rule and program limit on a referral's first purchase, in order: the first that fires decides. */
export function judgeFirstPurchase(referral: Referral, facts: FirstPurchaseFacts, program: ReferralProgram, minimum: { amountMinor: number; currency: string } | undefined): Verdict {
  const early = judgeAttribution(referral, facts, program);
  if (early.kind === 'reject') return early;
  if (facts.fullyRefunded) return { kind: 'reject', reason: 'refunded', rule: 'refund', detail: 'the qualifying purchase was fully refunded' };
  if (minimum && (facts.order.currency !== minimum.currency || facts.netAmountMinor < minimum.amountMinor)) {
    return { kind: 'reject', reason: 'below_minimum', rule: 'minimumOrder', detail: `the purchase is below the minimum qualifying order of ${program.minimumOrder?.amount} ${minimum.currency}` };
  }
  if (program.rules.ipVelocity.enabled && facts.ipCountToday !== undefined && facts.ipCountToday >= program.rules.ipVelocity.maxPerDay) {
    return { kind: 'flag', rule: 'ipVelocity', detail: `${facts.ipCountToday + 1} referred first purchases from one network today (limit ${program.rules.ipVelocity.maxPerDay})` };
  }
  if (program.rules.advocateVelocity.enabled && facts.advocateCountToday >= program.rules.advocateVelocity.maxPerDay) {
    return { kind: 'flag', rule: 'advocateVelocity', detail: `${facts.advocateCountToday + 1} referred first purchases for this advocate today (limit ${program.rules.advocateVelocity.maxPerDay})` };
  }
  return { kind: 'pass' };
}

/** The referee's first purchase: pending (held until the hold period ends), flagged for review, or rejected. */
export function firstPurchase(change: ReferralChange, facts: FirstPurchaseFacts, verdict: Verdict, program: ReferralProgram, by: string, now: string): ReferralChange {
  const referral = change.referral;
  if (referral.status !== 'attributed') throw new Error(`a ${referral.status} referral has had its first purchase`);
  const holdUntil = addDays(now, program.holdDays);
  const order = facts.order;
  // The version that judged the first purchase is the one the referral records (its terms from here on).
  const patch: Partial<Referral> = { order, holdUntil, programVersion: program.version, heldPoints: verdict.kind === 'reject' ? 0 : heldPoints(program), ...(verdict.kind === 'reject' ? {} : { promisedReward: program.advocateReward }), ...(facts.refereeEmailHash && !referral.refereeEmailHash ? { refereeEmailHash: facts.refereeEmailHash } : {}) };
  if (verdict.kind === 'reject') {
    return reject(change, { reason: verdict.reason, rule: verdict.rule, detail: verdict.detail, by }, now, patch);
  }
  leave(change);
  enter(change, 'pending');
  bump(change, 'pendingRewardPoints', heldPoints(program));
  append(change, {
    event: 'ReferralPending',
    status: 'pending',
    reason: `first purchase seen; reward held until ${holdUntil}`,
    by,
    at: now,
    data: { ...refOf(referral), storeId: order.storeId, orderId: order.orderId, amountMinor: order.amountMinor, currency: order.currency, holdUntil },
  }, now, patch);
  if (verdict.kind === 'flag') {
    leave(change);
    enter(change, 'flagged');
    append(change, { event: 'ReferralFlagged', status: 'flagged', reason: verdict.detail, rule: verdict.rule, by, at: now, data: { ...refOf(referral), rule: verdict.rule, reason: verdict.detail } }, now, {
      flags: [...change.referral.flags, { rule: verdict.rule, reason: verdict.detail, at: now }],
    });
  }
  // A purchase attribution is also the attribution: an offer "at attribution" is due now (flagged or not).
  if (program.refereeReward?.when === 'attribution' && change.before === undefined) offerWelcome(change, program.refereeReward.offer, by, now);
  if (program.refereeReward?.when === 'first_purchase' && verdict.kind === 'pass') offerWelcome(change, program.refereeReward.offer, by, now);
  return change;
}

// ---- decisions

export function reject(
  change: ReferralChange,
  decision: { reason: string; rule?: string; detail?: string; by: string },
  now: string,
  patch: Partial<Referral> = {},
): ReferralChange {
  const referral = change.referral;
  if (!OPEN_STATUSES.includes(referral.status)) throw new Error(`a ${referral.status} referral cannot be rejected`);
  if (referral.status === 'pending' || referral.status === 'flagged') bump(change, 'pendingRewardPoints', -(referral.heldPoints ?? 0));
  leave(change);
  enter(change, 'rejected');
  append(
    change,
    {
      event: 'ReferralRejected',
      status: 'rejected',
      reason: decision.detail ?? decision.reason,
      ...(decision.rule ? { rule: decision.rule } : {}),
      by: decision.by,
      at: now,
      data: { ...refOf(referral), reason: decision.reason, ...(decision.rule ? { rule: decision.rule } : {}), by: decision.by },
    },
    now,
    { ...patch, rejection: { reason: decision.reason, ...(decision.rule ? { rule: decision.rule } : {}), by: decision.by, at: now } },
  );
  return change;
}

/** The hold ended with the purchase intact: qualified, and rewarded in the same step (the advocate's reward). */
export function qualifyAndReward(change: ReferralChange, program: ReferralProgram, by: string, now: string): ReferralChange {
  const referral = change.referral;
  if (referral.status !== 'pending' && referral.status !== 'flagged') throw new Error(`a ${referral.status} referral cannot qualify`);
  const order = referral.order;
  if (!order) throw new Error('a pending referral has its qualifying order');
  bump(change, 'pendingRewardPoints', -(referral.heldPoints ?? 0));
  leave(change);
  enter(change, 'qualified');
  append(change, { event: 'ReferralQualified', status: 'qualified', reason: by === 'schedule' ? 'the qualifying purchase survived the hold period' : 'approved', by, at: now, data: { ...refOf(referral), storeId: order.storeId, orderId: order.orderId, by } }, now);
  enter(change, 'rewarded');
  append(change, { event: 'ReferralRewarded', status: 'rewarded', reason: 'advocate rewarded', by, at: now, data: { ...refOf(referral), reward: referral.promisedReward ?? program.advocateReward } }, now, { rewardedAt: now });
  // "qualified", or "first_purchase" for a referral that was flagged then (offered once: offerWelcome checks).
  if (program.refereeReward && program.refereeReward.when !== 'attribution') offerWelcome(change, program.refereeReward.offer, by, now);
  return change;
}

/** A marketer approves a flagged referral: back to pending until the hold ends, or qualified at once if it has. */
export function approve(change: ReferralChange, program: ReferralProgram, by: string, now: string): ReferralChange {
  const referral = change.referral;
  if (referral.status !== 'flagged') throw new Error(`a ${referral.status} referral is not waiting for review`);
  if (referral.holdUntil && referral.holdUntil > now) {
    leave(change);
    enter(change, 'pending');
    const order = referral.order as QualifyingOrder;
    append(change, {
      event: 'ReferralPending',
      status: 'pending',
      reason: `approved by a marketer; reward held until ${referral.holdUntil}`,
      by,
      at: now,
      data: { ...refOf(referral), storeId: order.storeId, orderId: order.orderId, amountMinor: order.amountMinor, currency: order.currency, holdUntil: referral.holdUntil },
    }, now);
    if (program.refereeReward?.when === 'first_purchase') offerWelcome(change, program.refereeReward.offer, by, now);
    return change;
  }
  return qualifyAndReward(change, program, by, now);
}

export function expire(change: ReferralChange, now: string): ReferralChange {
  const referral = change.referral;
  if (referral.status !== 'attributed' || !referral.windowEndsAt) throw new Error(`a ${referral.status} referral does not expire`);
  leave(change);
  enter(change, 'expired');
  append(change, { event: 'ReferralExpired', status: 'expired', reason: 'the attribution window passed without a qualifying purchase', by: 'schedule', at: now, data: { ...refOf(referral), windowEndedAt: referral.windowEndsAt } }, now);
  return change;
}

export function change(referral: Referral): ReferralChange {
  return begin(referral, referral);
}

/** When the settle schedule should look at a referral next (the due-time index), if ever. */
export function dueAt(referral: Referral): string | undefined {
  if (referral.status === 'attributed') return referral.windowEndsAt;
  if (referral.status === 'pending') return referral.holdUntil;
  return undefined;
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}

export function utcDay(iso: string): string {
  return iso.slice(0, 10);
}
