import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Survey requests and answers, pure. A request is `scheduled` (due later), `requested` (its link announced), then
 * `answered` once, or it lapses: `throttled` (the contact budget was spent when it came due) or expired (its link's
 * time passed; read as such, never rewritten). Tokens are `<requestId>.<secret>`: the secret is an HMAC-SHA-256 of the
 * request id under the deployment's 256-bit token key (so a request scheduled now can be announced with its link
 * later, without the secret ever being stored), and only the secret's SHA-256 is kept on the request, compared in
 * constant time.
 */
export type SurveyKind = 'nps' | 'csat';
export type Trigger = 'purchase' | 'tier_upgrade' | 'manual';
export type RequestStatus = 'scheduled' | 'requested' | 'answered' | 'throttled';
export type Category = 'promoter' | 'passive' | 'detractor' | 'satisfied' | 'unsatisfied';

export interface SurveyRequest {
  readonly requestId: string;
  readonly customerId: string;
  readonly kind: SurveyKind;
  readonly trigger: Trigger;
  readonly status: RequestStatus;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly email?: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly requestedAt?: string;
  readonly expiresAt?: string;
  readonly tokenHash?: string;
  readonly throttledReason?: string;
  readonly answer?: { readonly score: number; readonly category: Category; readonly comment?: string; readonly answeredAt: string };
  readonly version: number;
}

/** An answered request as the answers listing reads it (from the answers index: no email, properties or token). */
export interface AnswerEntry {
  readonly requestId: string;
  readonly customerId: string;
  readonly kind: SurveyKind;
  readonly trigger: Trigger;
  readonly answer: NonNullable<SurveyRequest['answer']>;
}

/** The categories of a kind's answers. */
export function categoriesOf(kind: SurveyKind): readonly Category[] {
  return kind === 'nps' ? ['promoter', 'passive', 'detractor'] : ['satisfied', 'unsatisfied'];
}

/**
 * The customer's contact budget: when they were last asked (by any ask: a survey or another service's contact, such as
 * a testimonial request), the one ask waiting to go out, the one follow-up that rode on the last contact, and when
 * they last answered NPS as a detractor (no testimonial request goes to them within the window after that).
 */
export interface ContactBudget {
  readonly customerId: string;
  readonly lastContactAt?: string;
  /** The survey request or contact that last spent the budget. */
  readonly lastRequestId?: string;
  readonly scheduledRequestId?: string;
  /** The contact that followed up on `lastRequestId` within its ask (at most one; cleared when another contact spends the budget). */
  readonly followUpId?: string;
  /** The latest NPS detractor answer (0-6), written in the answer's transaction. */
  readonly lastDetractorAt?: string;
  readonly version: number;
}

export const MAX_COMMENT_LENGTH = 2000;

export function classify(kind: SurveyKind, score: number): Category {
  if (kind === 'nps') return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  return score >= 4 ? 'satisfied' : 'unsatisfied';
}

export function scoreRange(kind: SurveyKind): { min: number; max: number } {
  return kind === 'nps' ? { min: 0, max: 10 } : { min: 1, max: 5 };
}

/** Whether the budget allows an ask at `at`: none in the last `throttleDays`. */
export function budgetAllows(budget: ContactBudget | undefined, throttleDays: number, at: string): { allowed: true } | { allowed: false; reason: string } {
  if (!budget?.lastContactAt) return { allowed: true };
  const next = Date.parse(budget.lastContactAt) + throttleDays * 86_400_000;
  if (Date.parse(at) < next) return { allowed: false, reason: `the customer was asked for feedback on ${budget.lastContactAt}; the contact budget allows one ask every ${throttleDays} days (next from ${new Date(next).toISOString()})` };
  return { allowed: true };
}

export function newRequestId(): string {
  return `sv_${randomBytes(12).toString('base64url')}`;
}

/** A request id derived from what triggered it, so a redelivered trigger finds the request it made. */
export function triggeredRequestId(trigger: string): string {
  return `sv_${createHash('sha256').update(trigger).digest('base64url').slice(0, 16)}`;
}

export function tokenFor(requestId: string, tokenKey: string): { token: string; tokenHash: string } {
  const secret = createHmac('sha256', tokenKey).update(requestId).digest('base64url');
  return { token: `${requestId}.${secret}`, tokenHash: hashSecret(secret) };
}

export function newTokenKey(): string {
  return randomBytes(32).toString('base64url');
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** The request id a token names, if it is shaped like one of ours (the secret is checked against the stored hash). */
export function parseToken(token: string): { requestId: string; secret: string } | undefined {
  const match = /^(sv_[A-Za-z0-9_-]{16,24})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { requestId: match[1] as string, secret: match[2] as string } : undefined;
}

export function tokenMatches(request: Pick<SurveyRequest, 'tokenHash'>, secret: string): boolean {
  if (!request.tokenHash) return false;
  const expected = Buffer.from(request.tokenHash);
  const actual = Buffer.from(hashSecret(secret));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function isExpired(request: Pick<SurveyRequest, 'expiresAt'>, now: string): boolean {
  return request.expiresAt !== undefined && Date.parse(now) >= Date.parse(request.expiresAt);
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}

// ---- metrics

export interface DayCounts {
  readonly day: string;
  readonly requested: number;
  readonly responses: number;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  readonly satisfied: number;
  readonly unsatisfied: number;
}

/**
 * A share as a whole percent, rounded half away from zero, in integer arithmetic: 6 of 10 → 60, 1 of 3 → 33, 2 of 3
 * → 67, −1 of 8 → −13. Zero when there is nothing to divide by.
 */
export function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  const sign = part < 0 ? -1 : 1;
  const magnitude = Math.abs(part) * 100;
  return sign * Math.floor((magnitude * 2 + whole) / (2 * whole));
}

/** NPS = % promoters − % detractors, from the counts (not from rounded percentages): −100 … 100. */
export function netPromoterScore(promoters: number, detractors: number, responses: number): number {
  return percent(promoters - detractors, responses);
}

export function summarize(days: readonly DayCounts[]) {
  const total = days.reduce(
    (sum, day) => ({
      requested: sum.requested + day.requested,
      responses: sum.responses + day.responses,
      promoters: sum.promoters + day.promoters,
      passives: sum.passives + day.passives,
      detractors: sum.detractors + day.detractors,
      satisfied: sum.satisfied + day.satisfied,
      unsatisfied: sum.unsatisfied + day.unsatisfied,
    }),
    { requested: 0, responses: 0, promoters: 0, passives: 0, detractors: 0, satisfied: 0, unsatisfied: 0 },
  );
  return {
    ...total,
    responseRate: percent(total.responses, total.requested),
    promoterPercent: percent(total.promoters, total.responses),
    passivePercent: percent(total.passives, total.responses),
    detractorPercent: percent(total.detractors, total.responses),
    nps: netPromoterScore(total.promoters, total.detractors, total.responses),
    csat: percent(total.satisfied, total.satisfied + total.unsatisfied),
  };
}
