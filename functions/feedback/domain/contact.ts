import { addDays, budgetAllows, type ContactBudget, type SurveyRequest } from './survey';

/**
 * The contact budget as other services spend it, pure. A testimonial request (or any other contact another service
 * makes) claims the same budget the surveys spend — one ask per customer per `throttleDays`, whatever asks — so the
 * rules live here, beside the surveys', and the facade only reads, decides with this and writes.
 *
 * In order:
 *   1. a customer who answered NPS as a detractor within the window is never asked (checked first: a retried claim of a
 *      contact granted before the answer is refused too, so a caller that had not sent yet does not send now);
 *   2. the contact that already holds the budget (its last contact, or the follow-up riding on it) is claimed again,
 *      writing nothing — claims are idempotent per contact id;
 *   3. a follow-up of the budget's last contact (a testimonial request after the survey a promoter just answered) rides
 *      on that contact while its window lasts, once per contact;
 *   4. a survey scheduled and waiting holds the one waiting slot: nothing else goes first;
 *   5. otherwise the window decides, and a granted claim spends the budget.
 */
export type ContactClaim = { kind: 'claimed' } | { kind: 'throttled'; reason: string } | { kind: 'detractor'; answeredAt: string; reason: string };

export interface ContactClaimRequest {
  readonly customerId: string;
  /** The caller's own id for this contact, stable across its retries. */
  readonly contactId: string;
  /** The contact (a survey request id) this one follows up on, when it rides on that ask. */
  readonly followUpOf?: string;
  readonly at: string;
}

/** The budget after a granted claim, conditioned on the version read (0: it must not exist yet). */
export interface BudgetWrite {
  readonly next: ContactBudget;
  readonly expectedVersion: number;
}

export type ClaimDecision = (ContactClaim & { kind: 'throttled' | 'detractor' }) | { kind: 'claimed'; write?: BudgetWrite };

/**
 * Decides a claim from the budget as read and, when the budget names a waiting survey, that request as read (`waiting`
 * is ignored unless it is the one the budget names). `write` is absent when nothing changes (the claim was granted
 * before).
 */
export function decideClaim(claim: ContactClaimRequest, budget: ContactBudget | undefined, waiting: Pick<SurveyRequest, 'requestId' | 'status' | 'dueAt'> | undefined, throttleDays: number): ClaimDecision {
  if (budget?.lastDetractorAt !== undefined) {
    const until = addDays(budget.lastDetractorAt, throttleDays);
    // A detractor answer stamped after `at` (clocks, or an answer landing first) is as disqualifying as an earlier one.
    if (Date.parse(claim.at) < Date.parse(until)) {
      return {
        kind: 'detractor',
        answeredAt: budget.lastDetractorAt,
        reason: `the customer answered NPS as a detractor on ${budget.lastDetractorAt}; no testimonial request goes to them within ${throttleDays} days of that (next from ${until})`,
      };
    }
  }
  if (budget && (budget.lastRequestId === claim.contactId || budget.followUpId === claim.contactId)) return { kind: 'claimed' };

  const window = budgetAllows(budget, throttleDays, claim.at);
  if (budget && claim.followUpOf !== undefined && claim.followUpOf === budget.lastRequestId && !window.allowed) {
    if (budget.followUpId !== undefined) {
      return { kind: 'throttled', reason: `the contact ${claim.followUpOf} already carried its one follow-up (${budget.followUpId}); ${window.reason}` };
    }
    // Rides on the contact that spent the budget: the window is not spent again, and the slot is taken.
    return { kind: 'claimed', write: { next: { ...budget, followUpId: claim.contactId, version: budget.version + 1 }, expectedVersion: budget.version } };
  }
  // Past the window a follow-up is an ask of its own: it spends the budget like any other (below).

  if (budget?.scheduledRequestId !== undefined && waiting?.requestId === budget.scheduledRequestId && waiting.status === 'scheduled') {
    return {
      kind: 'throttled',
      reason: `a survey (${waiting.requestId}) is scheduled for ${waiting.dueAt}; the contact budget allows one ask at a time, so nothing else is asked until it is sent or dropped (once sent, the next ask is possible from ${addDays(waiting.dueAt, throttleDays)} at the earliest)`,
    };
  }

  if (!window.allowed) {
    const notLast = claim.followUpOf !== undefined && claim.followUpOf !== budget?.lastRequestId;
    return { kind: 'throttled', reason: notLast ? `${claim.followUpOf} is not the customer's last contact, so no follow-up can ride on it; ${window.reason}` : window.reason };
  }
  const current: ContactBudget = budget ?? { customerId: claim.customerId, version: 0 };
  // The follow-up slot belonged to the contact this claim replaces as the last one.
  const { followUpId: _followUp, ...rest } = current;
  return { kind: 'claimed', write: { next: { ...rest, lastContactAt: claim.at, lastRequestId: claim.contactId, version: current.version + 1 }, expectedVersion: current.version } };
}

export interface CustomerFeedbackSummary {
  readonly promoterAnswers: number;
  readonly lastPromoterAt?: string;
  readonly lastDetractorAt?: string;
}

/** What a customer's NPS answers say about them (CSAT answers are not counted: they rate a moment, not advocacy). */
export function summarizeCustomerAnswers(requests: readonly Pick<SurveyRequest, 'kind' | 'answer'>[]): CustomerFeedbackSummary {
  let promoterAnswers = 0;
  let lastPromoterAt: string | undefined;
  let lastDetractorAt: string | undefined;
  const later = (a: string | undefined, b: string) => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);
  for (const request of requests) {
    if (request.kind !== 'nps' || !request.answer) continue;
    if (request.answer.category === 'promoter') {
      promoterAnswers++;
      lastPromoterAt = later(lastPromoterAt, request.answer.answeredAt);
    } else if (request.answer.category === 'detractor') {
      lastDetractorAt = later(lastDetractorAt, request.answer.answeredAt);
    }
  }
  return { promoterAnswers, ...(lastPromoterAt ? { lastPromoterAt } : {}), ...(lastDetractorAt ? { lastDetractorAt } : {}) };
}
