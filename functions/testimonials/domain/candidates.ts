import { currencyExponent } from '../../../shared/domain/currencies';
import { formatMinor } from '../../../shared/domain/money';

/**
 * Case-study candidates: customers ranked by a transparent score built only from data we hold about them, each
 * point explained by a reason carrying the number behind it, and the pipeline a marketer moves a candidate through.
 *
 * The score is written to an index sorted by score, by event consumers whenever a profile changes, and read back
 * long after. It must therefore be a function of the profile alone: nothing here reads the clock. What does depend on
 * time (a recent refund or detractor answer keeps a customer off the list for a while) is expressed as `excludedUntil`,
 * an instant also fixed by the profile, which the listing compares with the current time when it reads.
 *
 * Every count, amount and timestamp comes from our own stores, so an impossible value (a negative count, a fraction,
 * an amount beyond 2^53 − 1, an unparseable timestamp) is a bug upstream: it throws a RangeError naming the field
 * rather than being clamped into a plausible-looking score.
 */

export interface AdvocacyProfile {
  readonly customerId: string;
  /** NPS answers 9-10, all time. */
  readonly promoterAnswers: number;
  /** ISO timestamps. */
  readonly lastPromoterAt?: string;
  /** Latest NPS answer 0-6. */
  readonly lastDetractorAt?: string;
  /** rank 0 = the base tier. */
  readonly tier?: { readonly name: string; readonly rank: number };
  /** By ISO 4217 currency, gross, integer minor units. */
  readonly spendMinor: Readonly<Record<string, number>>;
  /** By currency, integer minor units. */
  readonly refundedMinor: Readonly<Record<string, number>>;
  readonly orders: number;
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
  readonly lastRefundAt?: string;
  /** Referrals this customer made that paid off. */
  readonly referralsRewarded: number;
  readonly testimonials: { readonly approvedPublic: number; readonly approvedAnonymous: number; readonly bestRating?: number };
}

export type Factor = 'promoter' | 'testimonial' | 'tier' | 'spend' | 'tenure' | 'referrals';

/** One factor's contribution: its points, the factor's cap, a sentence for people and the number behind it. */
export interface Reason {
  readonly factor: Factor;
  readonly points: number;
  readonly maxPoints: number;
  readonly detail: string;
  readonly value: number;
}

/** Something in the profile that keeps the customer off the list from `at` until `until` (exclusive). */
export interface Exclusion {
  readonly factor: 'refund' | 'detractor';
  readonly at: string;
  readonly until: string;
  readonly detail: string;
}

export interface CandidateScore {
  readonly score: number;
  readonly reasons: readonly Reason[];
  /** Every exclusion the profile implies, including ones already over: which are over depends on when one asks. */
  readonly exclusions: readonly Exclusion[];
  /** The latest `until` of the exclusions; absent when there are none. */
  readonly excludedUntil?: string;
  readonly eligible: boolean;
}

const DAY_MS = 86_400_000;

/**
 * The scoring rules as data, so the README and the API can show exactly what the code applies. Integers only:
 * a score is a sort key, and fractional points would make ties and ordering depend on float rounding.
 */
export const SCORE_RULES = deepFreeze({
  promoter: {
    rule: '30 points for the first promoter answer (NPS 9-10), +5 for each further one',
    firstAnswerPoints: 30,
    perFurtherAnswerPoints: 5,
    maxPoints: 40,
  },
  testimonial: {
    rule: '25 points for an approved testimonial the customer consented to publish with their name, otherwise 10 for an approved anonymous one',
    publicPoints: 25,
    anonymousPoints: 10,
    maxPoints: 25,
  },
  tier: { rule: '5 points per tier rank above the base tier', pointsPerRank: 5, maxPoints: 20 },
  spend: {
    rule: '1 point per 100 major units of net spend (spend − refunds) in the currency where that gives the most points',
    majorUnitsPerPoint: 100,
    /** Exponent assumed for a currency code that is not an active ISO 4217 currency. */
    unknownCurrencyExponent: 2,
    maxPoints: 20,
  },
  tenure: { rule: '1 point per full 30 days between the first and the latest purchase', daysPerPoint: 30, maxPoints: 12 },
  referrals: { rule: '5 points per referral the customer made that paid off', pointsPerReferral: 5, maxPoints: 15 },
  /** The sum of the factors' caps. */
  maxScore: 132,
  exclusions: {
    rule: 'a refund, or a detractor answer (NPS 0-6) not followed by a later promoter answer, excludes for the window',
    minWindowDays: 1,
    maxWindowDays: 3650,
  },
  eligibility: {
    rule: 'score above 0 and at least one advocacy signal: a promoter answer, an approved testimonial or a rewarded referral',
  },
  /** scoreSortKey's width: keys are zero-padded to it, so their lexicographic order is the scores' numeric order. */
  sortKeyDigits: 6,
} as const);

/**
 * Scores a profile. `windowDays` is how long a refund or an unanswered detractor answer keeps the customer off the
 * list. Pure: the same profile and window always give the same result, whenever it is computed.
 */
export function scoreCandidate(profile: AdvocacyProfile, windowDays: number): CandidateScore {
  if (!Number.isInteger(windowDays) || windowDays < SCORE_RULES.exclusions.minWindowDays || windowDays > SCORE_RULES.exclusions.maxWindowDays) {
    throw new RangeError(
      `windowDays must be a whole number from ${SCORE_RULES.exclusions.minWindowDays} to ${SCORE_RULES.exclusions.maxWindowDays}, got ${String(windowDays)}`,
    );
  }
  const facts = readProfile(profile);

  const reasons = [promoterReason(facts), testimonialReason(facts), tierReason(facts), spendReason(facts), tenureReason(facts), referralsReason(facts)]
    .filter((reason): reason is Reason => reason !== undefined && reason.points > 0)
    .sort((a, b) => b.points - a.points || compareText(a.factor, b.factor));
  const score = reasons.reduce((sum, reason) => sum + reason.points, 0);

  const exclusions = exclusionsOf(facts, windowDays);
  // ISO strings from toISOString compare like the instants they name (same width, same zone).
  const excludedUntil = exclusions.reduce<string | undefined>((latest, exclusion) => (latest === undefined || exclusion.until > latest ? exclusion.until : latest), undefined);

  // Spend, tier and tenure alone describe a good customer, not an advocate: a case study needs someone who spoke up.
  const advocated = facts.promoterAnswers >= 1 || facts.approvedPublic >= 1 || facts.approvedAnonymous >= 1 || facts.referralsRewarded >= 1;

  return { score, reasons, exclusions, ...(excludedUntil === undefined ? {} : { excludedUntil }), eligible: score > 0 && advocated };
}

/** Whether the exclusions keep the customer off the list at `now`; `excludedUntil` itself is the first instant they no longer do. */
export function isExcludedAt(score: Pick<CandidateScore, 'excludedUntil'>, now: string): boolean {
  const nowMs = parseInstant('now', now);
  if (score.excludedUntil === undefined) return false;
  return parseInstant('excludedUntil', score.excludedUntil) > nowMs;
}

const SORT_KEY_MAX = 10 ** SCORE_RULES.sortKeyDigits - 1;

/**
 * The score as an index sort key: zero-padded to a fixed width, because a string key sorts lexicographically and
 * "9" sorts after "10" unless both have the same width. Throws on anything that would break that order.
 */
export function scoreSortKey(score: number): string {
  if (!Number.isSafeInteger(score) || score < 0 || score > SORT_KEY_MAX) {
    throw new RangeError(`score must be a whole number from 0 to ${SORT_KEY_MAX} to be a sort key, got ${String(score)}`);
  }
  return String(score).padStart(SCORE_RULES.sortKeyDigits, '0');
}

// ---------------------------------------------------------------------------------------------------------------
// Scoring

/** The profile after validation, with timestamps as epoch milliseconds. */
interface ProfileFacts {
  readonly promoterAnswers: number;
  readonly lastPromoterMs?: number;
  readonly lastDetractorMs?: number;
  readonly tier?: { readonly name: string; readonly rank: number };
  readonly netMinor: ReadonlyMap<string, number>;
  readonly orders: number;
  readonly firstPurchaseMs?: number;
  readonly lastPurchaseMs?: number;
  readonly lastRefundMs?: number;
  readonly referralsRewarded: number;
  readonly approvedPublic: number;
  readonly approvedAnonymous: number;
  readonly bestRating?: number;
}

function promoterReason(facts: ProfileFacts): Reason | undefined {
  const rules = SCORE_RULES.promoter;
  const answers = facts.promoterAnswers;
  if (answers === 0) return undefined;
  const points = Math.min(rules.maxPoints, rules.firstAnswerPoints + rules.perFurtherAnswerPoints * (answers - 1));
  const latest = facts.lastPromoterMs === undefined ? '' : `, the latest on ${isoDate(facts.lastPromoterMs)}`;
  return { factor: 'promoter', points, maxPoints: rules.maxPoints, detail: `${plural(answers, 'promoter answer')}${latest}`, value: answers };
}

function testimonialReason(facts: ProfileFacts): Reason | undefined {
  const rules = SCORE_RULES.testimonial;
  const rating = facts.bestRating === undefined ? '' : `, best rating ${facts.bestRating}`;
  if (facts.approvedPublic >= 1) {
    const detail = `${plural(facts.approvedPublic, 'approved testimonial')} to publish with name${rating}`;
    return { factor: 'testimonial', points: rules.publicPoints, maxPoints: rules.maxPoints, detail, value: facts.approvedPublic };
  }
  if (facts.approvedAnonymous >= 1) {
    const detail = `${plural(facts.approvedAnonymous, 'approved anonymous testimonial')}, none to publish with name${rating}`;
    return { factor: 'testimonial', points: rules.anonymousPoints, maxPoints: rules.maxPoints, detail, value: facts.approvedAnonymous };
  }
  return undefined;
}

function tierReason(facts: ProfileFacts): Reason | undefined {
  const rules = SCORE_RULES.tier;
  if (facts.tier === undefined) return undefined;
  const points = Math.min(rules.maxPoints, rules.pointsPerRank * facts.tier.rank);
  return { factor: 'tier', points, maxPoints: rules.maxPoints, detail: `tier ${facts.tier.name} (rank ${facts.tier.rank})`, value: facts.tier.rank };
}

/**
 * Amounts in different currencies cannot be added without exchange rates we do not hold, so each currency is scored on
 * its own and the best one counts. Points are computed in exact integer arithmetic on minor units.
 */
function spendReason(facts: ProfileFacts): Reason | undefined {
  const rules = SCORE_RULES.spend;
  let best: { currency: string; netMinor: number; exponent: number; points: number } | undefined;
  for (const [currency, netMinor] of facts.netMinor) {
    const exponent = currencyExponent(currency) ?? rules.unknownCurrencyExponent;
    const minorPerPoint = rules.majorUnitsPerPoint * 10 ** exponent;
    // (net − net mod d) / d is an exact integer division; Math.floor(net / d) could round up just below a boundary.
    const points = Math.min(rules.maxPoints, (netMinor - (netMinor % minorPerPoint)) / minorPerPoint);
    const candidate = { currency, netMinor, exponent, points };
    if (best === undefined || isBetterSpend(candidate, best)) best = candidate;
  }
  if (best === undefined || best.points === 0) return undefined;
  const major = formatMinor(best.netMinor, best.currency);
  const detail = `${best.currency} ${groupThousands(major)} net over ${plural(facts.orders, 'order')}`;
  // value: the net amount in major units, for display (the detail carries it exactly).
  return { factor: 'spend', points: best.points, maxPoints: rules.maxPoints, detail, value: Number(major) };
}

/** More points wins; on equal points (e.g. both capped) the larger amount in major units, then the code, so the pick is deterministic. */
function isBetterSpend(
  candidate: { currency: string; netMinor: number; exponent: number; points: number },
  best: { currency: string; netMinor: number; exponent: number; points: number },
): boolean {
  if (candidate.points !== best.points) return candidate.points > best.points;
  // Compare netA / 10^expA with netB / 10^expB without floats: cross-multiply in BigInt.
  const left = BigInt(candidate.netMinor) * 10n ** BigInt(best.exponent);
  const right = BigInt(best.netMinor) * 10n ** BigInt(candidate.exponent);
  if (left !== right) return left > right;
  return compareText(candidate.currency, best.currency) < 0;
}

/** Tenure is measured between purchases the profile records, never up to now: the score must not change while nothing happens. */
function tenureReason(facts: ProfileFacts): Reason | undefined {
  const rules = SCORE_RULES.tenure;
  if (facts.firstPurchaseMs === undefined || facts.lastPurchaseMs === undefined) return undefined;
  const fullDays = Math.floor((facts.lastPurchaseMs - facts.firstPurchaseMs) / DAY_MS);
  const points = Math.min(rules.maxPoints, Math.floor(fullDays / rules.daysPerPoint));
  const detail = `${plural(fullDays, 'day')} between the first purchase (${isoDate(facts.firstPurchaseMs)}) and the latest (${isoDate(facts.lastPurchaseMs)})`;
  return { factor: 'tenure', points, maxPoints: rules.maxPoints, detail, value: fullDays };
}

function referralsReason(facts: ProfileFacts): Reason | undefined {
  const rules = SCORE_RULES.referrals;
  const points = Math.min(rules.maxPoints, rules.pointsPerReferral * facts.referralsRewarded);
  const detail = `${plural(facts.referralsRewarded, 'referral')} that paid off`;
  return { factor: 'referrals', points, maxPoints: rules.maxPoints, detail, value: facts.referralsRewarded };
}

/**
 * A refund excludes for the window after it. So does a detractor answer, unless the customer answered as a promoter
 * later (strictly later: an answer at the same instant does not show they came round). A refund is not forgiven by a
 * later promoter answer: asking someone whose money we returned to star in a case study is the risk this rule avoids.
 */
function exclusionsOf(facts: ProfileFacts, windowDays: number): Exclusion[] {
  const exclusions: Exclusion[] = [];
  const windowText = plural(windowDays, 'day');
  if (facts.lastRefundMs !== undefined) {
    const until = windowEnd('lastRefundAt', facts.lastRefundMs, windowDays);
    exclusions.push({ factor: 'refund', at: isoInstant(facts.lastRefundMs), until, detail: `refund on ${isoDate(facts.lastRefundMs)}, excluded for ${windowText}` });
  }
  if (facts.lastDetractorMs !== undefined) {
    const cameRound = facts.lastPromoterMs !== undefined && facts.lastPromoterMs > facts.lastDetractorMs;
    if (!cameRound) {
      const until = windowEnd('lastDetractorAt', facts.lastDetractorMs, windowDays);
      const detail = `detractor answer on ${isoDate(facts.lastDetractorMs)} with no later promoter answer, excluded for ${windowText}`;
      exclusions.push({ factor: 'detractor', at: isoInstant(facts.lastDetractorMs), until, detail });
    }
  }
  return exclusions;
}

const LATEST_FOUR_DIGIT_YEAR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function windowEnd(field: string, atMs: number, windowDays: number): string {
  const untilMs = atMs + windowDays * DAY_MS;
  // Beyond year 9999 toISOString writes "+010000-…", which no longer compares as text with the other instants.
  if (untilMs > LATEST_FOUR_DIGIT_YEAR_MS) throw new RangeError(`${field} plus the ${windowDays}-day window ends after the year 9999`);
  return isoInstant(untilMs);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

function readProfile(profile: AdvocacyProfile): ProfileFacts {
  if (typeof profile.customerId !== 'string' || profile.customerId.trim() === '') throw new RangeError('customerId must be a non-empty string');
  const tier = profile.tier === undefined ? undefined : readTier(profile.tier);
  const testimonials = profile.testimonials;
  if (testimonials === null || typeof testimonials !== 'object') throw new RangeError('testimonials must be an object');
  const bestRating = testimonials.bestRating;
  if (bestRating !== undefined && (!Number.isFinite(bestRating) || bestRating < 0)) {
    throw new RangeError(`testimonials.bestRating must be a non-negative number, got ${String(bestRating)}`);
  }

  const firstPurchaseMs = optionalInstant('firstPurchaseAt', profile.firstPurchaseAt);
  const lastPurchaseMs = optionalInstant('lastPurchaseAt', profile.lastPurchaseAt);
  if (firstPurchaseMs !== undefined && lastPurchaseMs !== undefined && lastPurchaseMs < firstPurchaseMs) {
    throw new RangeError(`lastPurchaseAt (${String(profile.lastPurchaseAt)}) is before firstPurchaseAt (${String(profile.firstPurchaseAt)})`);
  }

  return {
    promoterAnswers: count('promoterAnswers', profile.promoterAnswers),
    lastPromoterMs: optionalInstant('lastPromoterAt', profile.lastPromoterAt),
    lastDetractorMs: optionalInstant('lastDetractorAt', profile.lastDetractorAt),
    ...(tier === undefined ? {} : { tier }),
    netMinor: netByCurrency(profile.spendMinor, profile.refundedMinor),
    orders: count('orders', profile.orders),
    firstPurchaseMs,
    lastPurchaseMs,
    lastRefundMs: optionalInstant('lastRefundAt', profile.lastRefundAt),
    referralsRewarded: count('referralsRewarded', profile.referralsRewarded),
    approvedPublic: count('testimonials.approvedPublic', testimonials.approvedPublic),
    approvedAnonymous: count('testimonials.approvedAnonymous', testimonials.approvedAnonymous),
    ...(bestRating === undefined ? {} : { bestRating }),
  };
}

function readTier(tier: { readonly name: string; readonly rank: number }): { name: string; rank: number } {
  if (typeof tier.name !== 'string' || tier.name.trim() === '') throw new RangeError('tier.name must be a non-empty string');
  return { name: tier.name, rank: count('tier.rank', tier.rank) };
}

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * Net spend per currency, never below zero: refunds can exceed the spend we recorded (a refund of a purchase made
 * before we started counting), and a negative amount must not drag a customer below one who never bought.
 */
function netByCurrency(spendMinor: Readonly<Record<string, number>>, refundedMinor: Readonly<Record<string, number>>): Map<string, number> {
  const spend = amounts('spendMinor', spendMinor);
  const refunded = amounts('refundedMinor', refundedMinor);
  const net = new Map<string, number>();
  for (const [currency, gross] of spend) net.set(currency, Math.max(0, gross - (refunded.get(currency) ?? 0)));
  return net;
}

function amounts(field: string, record: Readonly<Record<string, number>>): Map<string, number> {
  if (record === null || typeof record !== 'object') throw new RangeError(`${field} must be an object of amounts by currency`);
  const result = new Map<string, number>();
  for (const [currency, amount] of Object.entries(record)) {
    if (!CURRENCY_CODE.test(currency)) throw new RangeError(`${field} has a key '${currency}' that is not a three-letter currency code`);
    result.set(currency, count(`${field}.${currency}`, amount));
  }
  return result;
}

/** A count or an amount in minor units: a whole number from 0 to 2^53 − 1 (beyond that, integers are no longer exact). */
function count(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${String(value)}`);
  }
  return value;
}

function optionalInstant(field: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseInstant(field, value);
}

/**
 * An ISO 8601 timestamp with seconds and an explicit zone, as our stores write them. Stricter than Date.parse on
 * purpose: Date.parse reads a zoneless date-time in the machine's local zone (a score would depend on where it was
 * computed), accepts free-form dates, and rolls 2026-02-30 over to March instead of refusing it.
 */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function parseInstant(field: string, value: string): number {
  const match = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  const invalid = () => new RangeError(`${field} must be an ISO 8601 timestamp with a zone from 1970 on, like 2026-11-02T09:30:00.000Z, got ${JSON.stringify(value)}`);
  if (!match) throw invalid();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetSign = match[8] === '-' ? -1 : 1;
  const offsetHours = Number(match[9] ?? '0');
  const offsetMinutes = Number(match[10] ?? '0');
  // Day 0 of the next month is the last day of this one (years from 1970 on, so Date.UTC's 0-99 → 1900s rule never applies).
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (year < 1970 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) throw invalid();
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return localMs - offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

const isoInstant = (ms: number): string => new Date(ms).toISOString();
const isoDate = (ms: number): string => isoInstant(ms).slice(0, 10);
const plural = (amount: number, noun: string): string => `${amount} ${noun}${amount === 1 ? '' : 's'}`;
/** Locale-independent comparison, so the order of equal-point reasons does not depend on the machine's locale. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "1234567.89" → "1,234,567.89". Done by hand: Intl's grouping depends on the runtime's ICU data. */
function groupThousands(decimal: string): string {
  const [whole = '', fraction] = decimal.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function deepFreeze<T extends object>(value: T): T {
  for (const nested of Object.values(value)) if (nested !== null && typeof nested === 'object') deepFreeze(nested as object);
  return Object.freeze(value);
}

// ---------------------------------------------------------------------------------------------------------------
// The case-study pipeline

/**
 *   candidate → contacted → interviewing → published
 *       ↘           ↘            ↘
 *                 declined (from any open stage)
 *
 * published and declined are final. Every move and every note is kept as a note (the newest MAX_NOTES of them), so
 * the record says who moved a customer when and why.
 */
export type CaseStudyStage = 'candidate' | 'contacted' | 'interviewing' | 'published' | 'declined';

/** A note; a stage move's note carries `from` and `to`, and its `text` is '' when the move came without a comment. */
export interface CaseStudyNote {
  readonly at: string;
  readonly by: string;
  readonly text: string;
  readonly from?: CaseStudyStage;
  readonly to?: CaseStudyStage;
}

/** `version` counts stored changes, for the repository's optimistic-concurrency condition; 0 = not stored yet. */
export interface CaseStudy {
  readonly customerId: string;
  readonly stage: CaseStudyStage;
  readonly notes: readonly CaseStudyNote[];
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly version: number;
}

export type StageMove =
  | { kind: 'moved'; caseStudy: CaseStudy; from: CaseStudyStage; to: CaseStudyStage }
  | { kind: 'invalid-transition'; from: CaseStudyStage; to: CaseStudyStage; allowed: readonly CaseStudyStage[] }
  | { kind: 'unchanged'; caseStudy: CaseStudy };

/** Counted in UTF-16 code units, as zod's string max (and a textarea's maxlength) counts them. */
export const MAX_NOTE_LENGTH = 2000;
// 50 notes of 2,000 characters stay inside one 400 KB item even at 3 bytes a character (CJK text).
export const MAX_NOTES = 50;

export const NEXT_STAGES: Readonly<Record<CaseStudyStage, readonly CaseStudyStage[]>> = deepFreeze({
  candidate: ['contacted', 'declined'],
  contacted: ['interviewing', 'declined'],
  interviewing: ['published', 'declined'],
  published: [],
  declined: [],
});

/** A new case study at stage candidate, not yet stored (version 0). */
export function startCaseStudy(customerId: string, by: string, at: string): CaseStudy {
  if (typeof customerId !== 'string' || customerId.trim() === '') throw new RangeError('customerId must be a non-empty string');
  return { customerId, stage: 'candidate', notes: [], updatedAt: checkedAt(at), updatedBy: checkedBy(by), version: 0 };
}

/**
 * Moves a case study along the pipeline. A move to the stage it is already at is 'unchanged' and changes nothing,
 * not even by adding the note: a retried request must not leave a second note behind.
 */
export function moveCaseStudy(current: CaseStudy, to: CaseStudyStage, by: string, at: string, note?: string): StageMove {
  // Inputs are checked before the transition is judged, so a malformed request fails the same way whatever the stage.
  const from = checkedStage('current.stage', current.stage);
  checkedStage('to', to);
  const updatedBy = checkedBy(by);
  const updatedAt = checkedAt(at);
  const text = note === undefined ? '' : checkedText(note);

  if (to === from) return { kind: 'unchanged', caseStudy: current };
  const allowed = NEXT_STAGES[from];
  if (!allowed.includes(to)) return { kind: 'invalid-transition', from, to, allowed };

  const moveNote: CaseStudyNote = { at: updatedAt, by: updatedBy, text, from, to };
  const caseStudy: CaseStudy = { ...current, stage: to, notes: newestNotes(current.notes, moveNote), updatedAt, updatedBy, version: current.version + 1 };
  return { kind: 'moved', caseStudy, from, to };
}

/** Adds a note (at any stage, final ones included: a published study still gets its link noted). */
export function addCaseStudyNote(current: CaseStudy, text: string, by: string, at: string): CaseStudy {
  checkedStage('current.stage', current.stage);
  const note: CaseStudyNote = { at: checkedAt(at), by: checkedBy(by), text: checkedText(text) };
  return { ...current, notes: newestNotes(current.notes, note), updatedAt: note.at, updatedBy: note.by, version: current.version + 1 };
}

/** The record must stay within one DynamoDB item, so only the newest MAX_NOTES notes are kept. */
function newestNotes(notes: readonly CaseStudyNote[], note: CaseStudyNote): CaseStudyNote[] {
  return [...notes, note].slice(-MAX_NOTES);
}

function checkedStage(field: string, stage: CaseStudyStage): CaseStudyStage {
  if (!Object.hasOwn(NEXT_STAGES, stage)) throw new RangeError(`${field} must be one of ${Object.keys(NEXT_STAGES).join(', ')}, got ${JSON.stringify(stage)}`);
  return stage;
}

function checkedText(text: string): string {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed.length < 1 || trimmed.length > MAX_NOTE_LENGTH) {
    throw new RangeError(`note text must be 1 to ${MAX_NOTE_LENGTH} characters after trimming, got ${typeof text === 'string' ? trimmed.length : typeof text}`);
  }
  return trimmed;
}

function checkedBy(by: string): string {
  if (typeof by !== 'string' || by.trim() === '') throw new RangeError('by must be a non-empty string');
  return by;
}

function checkedAt(at: string): string {
  parseInstant('at', at);
  return at;
}
