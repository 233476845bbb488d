import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import { sweepDue } from '../../../shared/schedules/sweep';
import { decideClaim, summarizeCustomerAnswers, type ContactClaim, type ContactClaimRequest, type CustomerFeedbackSummary } from './contact';
import { DEFAULT_THROTTLE_DAYS, type FeedbackSettings, type FeedbackSettingsInput } from './settings';
import type { Announcement, AnswersQuery, ContactStore, FeedbackStore } from './store';
import {
  addDays,
  budgetAllows,
  categoriesOf,
  classify,
  isExpired,
  newRequestId,
  parseToken,
  scoreRange,
  summarize,
  tokenFor,
  tokenMatches,
  triggeredRequestId,
  netPromoterScore,
  type AnswerEntry,
  type Category,
  type ContactBudget,
  type SurveyKind,
  type SurveyRequest,
  type Trigger,
} from './survey';

/**
 * The feedback use cases. Every ask goes through the customer's contact budget (one per `throttleDays`, whatever
 * asks): a trigger that finds it spent, or another ask already waiting, is dropped with its reason — never queued.
 * Each change commits in one transaction conditioned on what was read, so redelivered triggers and double-clicked
 * answers change nothing twice.
 */
type Store = FeedbackStore;
const RETRIES: RetryPolicy = { maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 200 };
const retrying = <T>(what: string, attempt: () => Promise<T | typeof RETRY>) => retryOnConflict(what, RETRIES, attempt);
export const DUE_SHARDS = 4;

export type SettingsSave = { kind: 'saved'; settings: FeedbackSettings } | { kind: 'conflict' };

export async function saveFeedbackSettings(store: Store, input: FeedbackSettingsInput, by: string, now: string): Promise<SettingsSave> {
  const current = await store.getSettings();
  const settings: FeedbackSettings = { ...input, version: (current?.version ?? 0) + 1, updatedAt: now, updatedBy: by };
  return (await store.saveSettings(settings, current?.version ?? 0)) === 'saved' ? { kind: 'saved', settings } : { kind: 'conflict' };
}

// ---- asking

export interface Ask {
  readonly requestId: string;
  readonly customerId: string;
  readonly kind: SurveyKind;
  readonly trigger: Trigger;
  readonly dueAt: string;
  readonly email?: string;
  readonly properties?: Readonly<Record<string, string>>;
}

export type AskResult =
  | { kind: 'requested' | 'scheduled'; request: SurveyRequest; link: string }
  | { kind: 'throttled'; reason: string }
  | { kind: 'exists'; request: SurveyRequest }
  | { kind: 'not-configured' };

/**
 * An ask: sent at once when due now, otherwise scheduled (and holding the budget's one waiting slot). The caller passes
 * the settings it already read (a trigger reads them once, through the container's short cache).
 */
async function ask(store: Store, request: Ask, settings: FeedbackSettings, now: string): Promise<AskResult> {
  const key = await store.tokenKey();
  return retrying(`survey ask ${request.requestId}`, async () => {
    // The budget is read before the request: a request and the budget it spent commit together, so a budget read
    // first that shows this ask's spending is followed by a read that finds the request. Read the other way round, a
    // redelivery could miss the request, then find the budget its own first delivery spent, and answer "throttled".
    const budget = await store.getBudget(request.customerId);
    const existing = await store.getRequest(request.requestId);
    if (existing) return { kind: 'exists', request: existing } as const;
    const dueNow = Date.parse(request.dueAt) <= Date.parse(now);
    // A redelivered trigger that lost the race to its own first delivery finds that request waiting: it is the same ask.
    if (budget?.scheduledRequestId === request.requestId) return RETRY;
    if (budget?.scheduledRequestId) {
      const waiting = await store.getRequest(budget.scheduledRequestId);
      if (waiting?.status === 'scheduled') return { kind: 'throttled', reason: `another survey (${waiting.requestId}) is scheduled for ${waiting.dueAt}; the contact budget allows one ask at a time` } as const;
    }
    const allowed = budgetAllows(budget, settings.throttleDays, dueNow ? now : request.dueAt);
    if (!allowed.allowed) return { kind: 'throttled', reason: allowed.reason } as const;
    const base: SurveyRequest = {
      requestId: request.requestId,
      customerId: request.customerId,
      kind: request.kind,
      trigger: request.trigger,
      status: 'scheduled',
      createdAt: now,
      dueAt: dueNow ? now : request.dueAt,
      ...(request.email ? { email: request.email } : {}),
      ...(request.properties ? { properties: request.properties } : {}),
      version: 0,
    };
    const { token, tokenHash } = tokenFor(request.requestId, key);
    const link = linkOf(settings, token);
    const current: ContactBudget = budget ?? { customerId: request.customerId, version: 0 };
    if (!dueNow) {
      // The link's expiry is fixed now (from the due time), so the link the API answers with is the one announced later.
      const scheduled = { ...base, tokenHash, expiresAt: addDays(request.dueAt, settings.expiryDays), version: 1 };
      const outcome = await store.commit({ request: scheduled, expectedVersion: 0, budget: { next: { ...current, scheduledRequestId: request.requestId, version: current.version + 1 }, expectedVersion: current.version }, announce: [] });
      if (outcome === 'exists') return RETRY;
      return outcome === 'committed' ? ({ kind: 'scheduled', request: scheduled, link } as const) : RETRY;
    }
    const sent = send(base, current, settings, key, now);
    const outcome = await store.commit({ ...sent.change, expectedVersion: 0 });
    return outcome === 'committed' ? ({ kind: 'requested', request: sent.change.request, link: sent.link } as const) : RETRY;
  });
}

function linkOf(settings: FeedbackSettings, token: string): string {
  return `${settings.responseBaseUrl.replace(/\/+$/, '')}/s/${encodeURIComponent(token)}`;
}

/** The request goes out: its link announced, the budget spent, the day's `requested` counted. */
function send(request: SurveyRequest, budget: ContactBudget, settings: FeedbackSettings, key: string, now: string) {
  const { token, tokenHash } = tokenFor(request.requestId, key);
  const link = linkOf(settings, token);
  const expiresAt = request.expiresAt ?? addDays(now, settings.expiryDays);
  const next: SurveyRequest = { ...request, status: 'requested', requestedAt: now, expiresAt, tokenHash, version: request.version + 1 };
  const announce: Announcement[] = [
    {
      event: 'SurveyRequested',
      at: now,
      data: {
        requestId: request.requestId,
        customerId: request.customerId,
        kind: request.kind,
        trigger: request.trigger,
        link,
        expiresAt,
        ...(request.email ? { email: request.email } : {}),
        ...(request.properties ? { properties: request.properties } : {}),
      },
    },
  ];
  const { scheduledRequestId: _scheduled, ...rest } = budget;
  const freed = budget.scheduledRequestId === request.requestId || budget.scheduledRequestId === undefined ? rest : budget;
  // A follow-up rode on the contact this send replaces as the last one: this survey starts with its slot free.
  const { followUpId: _followUp, ...spent } = freed;
  return {
    link,
    change: {
      request: next,
      budget: { next: { ...spent, lastContactAt: now, lastRequestId: request.requestId, version: budget.version + 1 }, expectedVersion: budget.version },
      announce,
      count: { kind: request.kind, day: now.slice(0, 10), requested: 1 },
    },
  };
}

export interface PurchaseTrigger {
  readonly storeId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly email?: string;
  readonly occurredAt: string;
}

/** PurchaseRecorded: an NPS survey `afterPurchase.days` after the purchase (one request per order, however often delivered). */
export async function askAfterPurchase(store: Store, purchase: PurchaseTrigger, now: string): Promise<AskResult | { kind: 'off' }> {
  const settings = await store.getSettingsCached();
  if (!settings?.triggers.afterPurchase.enabled) return { kind: 'off' };
  return ask(
    store,
    {
      requestId: triggeredRequestId(`purchase:${purchase.storeId}:${purchase.orderId}`),
      customerId: purchase.customerId,
      kind: 'nps',
      trigger: 'purchase',
      dueAt: addDays(purchase.occurredAt, settings.triggers.afterPurchase.days),
      ...(purchase.email ? { email: purchase.email } : {}),
      properties: { storeId: purchase.storeId, orderId: purchase.orderId },
    },
    settings,
    now,
  );
}

/** TierChanged upward: an NPS survey now. */
export async function askAfterTierUpgrade(store: Store, change: { eventId: string; customerId: string; to: string; direction: 'up' | 'down' }, now: string): Promise<AskResult | { kind: 'off' }> {
  const settings = await store.getSettingsCached();
  if (change.direction !== 'up' || !settings?.triggers.tierUpgrade.enabled) return { kind: 'off' };
  return ask(store, { requestId: triggeredRequestId(`tier:${change.eventId}`), customerId: change.customerId, kind: 'nps', trigger: 'tier_upgrade', dueAt: now, properties: { tier: change.to } }, settings, now);
}

/** POST /v1/surveys. */
export async function askManually(store: Store, request: { customerId: string; email?: string; kind: SurveyKind; delaySeconds: number; properties?: Record<string, string> }, now: string): Promise<AskResult> {
  // Read through, not from the cache: an ask right after a settings change follows the change.
  const settings = await store.getSettings();
  if (!settings) return { kind: 'not-configured' };
  return ask(
    store,
    {
      requestId: newRequestId(),
      customerId: request.customerId,
      kind: request.kind,
      trigger: 'manual',
      dueAt: new Date(Date.parse(now) + request.delaySeconds * 1000).toISOString(),
      ...(request.email ? { email: request.email } : {}),
      ...(request.properties ? { properties: request.properties } : {}),
    },
    settings,
    now,
  );
}

// ---- the send schedule

export async function sendDueSurveys(store: Store, now: string, limits: { timeLeftMs?: () => number; budget?: number } = {}) {
  const settings = await store.getSettings();
  const key = await store.tokenKey();
  const swept = await sweepDue({
    shards: DUE_SHARDS,
    page: (shard, cursor) => store.dueRequests(shard, now, 100, cursor),
    orderKey: (item) => item.requestId,
    handle: async (item) => {
      if (!settings) return false;
      return retrying(`sending survey ${item.requestId}`, async () => {
        const request = await store.getRequest(item.requestId);
        if (request?.status !== 'scheduled' || Date.parse(request.dueAt) > Date.parse(now)) return false;
        const budget = (await store.getBudget(request.customerId)) ?? { customerId: request.customerId, version: 0 };
        const allowed = budgetAllows(budget, settings.throttleDays, now);
        if (!allowed.allowed) {
          // Dropped with its reason, and the waiting slot freed: never queued behind the budget.
          const { scheduledRequestId: _slot, ...rest } = budget;
          const outcome = await store.commit({
            request: { ...request, status: 'throttled', throttledReason: allowed.reason, version: request.version + 1 },
            expectedVersion: request.version,
            ...(budget.scheduledRequestId === request.requestId ? { budget: { next: { ...rest, version: budget.version + 1 }, expectedVersion: budget.version } } : {}),
            announce: [],
          });
          return outcome === 'committed' ? true : RETRY;
        }
        const sent = send(request, budget, settings, key, now);
        return (await store.commit({ ...sent.change, expectedVersion: request.version })) === 'committed' ? true : RETRY;
      });
    },
    concurrency: 4,
    ...(limits.timeLeftMs ? { timeLeftMs: limits.timeLeftMs } : {}),
    ...(limits.budget !== undefined ? { budget: limits.budget } : {}),
  });
  return { schedule: 'feedback-send-due', ...swept };
}

// ---- answering

export type OpenResult = (
  | { kind: 'open'; request: SurveyRequest }
  | { kind: 'not-found' }
  | { kind: 'expired' }
  | { kind: 'answered'; request: SurveyRequest }
) & { settings: FeedbackSettings | undefined };

/**
 * The request a token opens, if the token is genuine (unknown, forged and not-yet-sent tokens all read as not found),
 * with the settings so that every page — also "answered" and "expired" — speaks the customer's language.
 */
export async function openSurvey(store: Store, token: string, now: string): Promise<OpenResult> {
  const [found, settings] = await Promise.all([requestOfToken(store, token, now), store.getSettingsCached()]);
  return { ...found, settings };
}

type TokenState = { kind: 'open'; request: SurveyRequest } | { kind: 'not-found' } | { kind: 'expired' } | { kind: 'answered'; request: SurveyRequest };

/** The request a genuine token names, and where it stands (answering needs no settings: one read). */
async function requestOfToken(store: Store, token: string, now: string): Promise<TokenState> {
  const parsed = parseToken(token);
  const request = parsed ? await store.getRequest(parsed.requestId) : undefined;
  if (!parsed || !request || !tokenMatches(request, parsed.secret) || request.status === 'scheduled' || request.status === 'throttled') return { kind: 'not-found' };
  if (request.status === 'answered') return { kind: 'answered', request };
  if (isExpired(request, now)) return { kind: 'expired' };
  return { kind: 'open', request };
}

export type AnswerResult =
  | { kind: 'answered'; request: SurveyRequest; category: Category }
  | { kind: 'not-found' }
  | { kind: 'expired' }
  | { kind: 'already-answered' }
  | { kind: 'invalid-score'; min: number; max: number };

export async function answerSurvey(store: Store, answer: { token: string; score: number; comment?: string }, now: string): Promise<AnswerResult> {
  return retrying(`an answer`, async () => {
    const opened = await requestOfToken(store, answer.token, now);
    if (opened.kind === 'answered') return { kind: 'already-answered' } as const;
    if (opened.kind !== 'open') return opened;
    const { request } = opened;
    const range = scoreRange(request.kind);
    if (answer.score < range.min || answer.score > range.max) return { kind: 'invalid-score', ...range } as const;
    const category = classify(request.kind, answer.score);
    const comment = answer.comment?.trim() ? answer.comment.trim() : undefined;
    const answered: SurveyRequest = { ...request, status: 'answered', answer: { score: answer.score, category, ...(comment ? { comment } : {}), answeredAt: now }, version: request.version + 1 };
    const base = { requestId: request.requestId, customerId: request.customerId };
    const announce: Announcement[] = [{ event: 'SurveyAnswered', at: now, data: { ...base, kind: request.kind, score: answer.score, category, hasComment: comment !== undefined, answeredAt: now } }];
    if (category === 'promoter') announce.push({ event: 'PromoterIdentified', at: now, data: { ...base, score: answer.score, answeredAt: now } });
    if (category === 'detractor') {
      announce.push({ event: 'DetractorIdentified', at: now, data: { ...base, score: answer.score, answeredAt: now } });
      announce.push({
        event: 'DetractorAlert',
        at: now,
        data: { ...base, score: answer.score, priority: answer.score <= 3 ? 'urgent' : 'high', ...(comment ? { comment } : {}), ...(request.email ? { email: request.email } : {}), answeredAt: now },
      });
    }
    // A detractor is remembered on the contact budget in the answer's own transaction, conditioned on the budget's
    // version: a testimonial claim racing this answer either commits first (and this answer re-reads) or reads the
    // detractor. Only detractors pay the extra read; other answers still read the request alone.
    const budget = category === 'detractor' ? await detractorBudget(store, request.customerId, now) : undefined;
    const outcome = await store.commit({ request: answered, expectedVersion: request.version, ...(budget ? { budget } : {}), announce, count: { kind: request.kind, day: now.slice(0, 10), answered: category } });
    return outcome === 'committed' ? ({ kind: 'answered', request: answered, category } as const) : RETRY;
  });
}

/** The budget after a detractor answer at `at` (the latest detractor answer is kept: answers may land out of order). */
async function detractorBudget(store: Store, customerId: string, at: string): Promise<{ next: ContactBudget; expectedVersion: number }> {
  const current: ContactBudget = (await store.getBudget(customerId)) ?? { customerId, version: 0 };
  const lastDetractorAt = current.lastDetractorAt !== undefined && Date.parse(current.lastDetractorAt) > Date.parse(at) ? current.lastDetractorAt : at;
  return { next: { ...current, lastDetractorAt, version: current.version + 1 }, expectedVersion: current.version };
}

// ---- contacts other services make (testimonial requests), on the same budget

/**
 * A claim on the customer's contact budget by another service's contact (see contact.ts for the rules). The budget is
 * written conditioned on the version read — the version every survey ask, send and detractor answer also moves — so
 * racing claims, asks and answers serialize: the loser reads again and decides on what won.
 */
export async function claimContact(store: ContactStore, claim: ContactClaimRequest): Promise<ContactClaim> {
  // Settings saved a moment ago may be up to the cache's few seconds late here; with none saved the default window holds.
  const throttleDays = (await store.getSettingsCached())?.throttleDays ?? DEFAULT_THROTTLE_DAYS;
  return retrying(`contact claim ${claim.contactId}`, async () => {
    const budget = await store.getBudget(claim.customerId);
    const waiting = budget?.scheduledRequestId !== undefined ? await store.getRequest(budget.scheduledRequestId) : undefined;
    const decision = decideClaim(claim, budget, waiting, throttleDays);
    if (decision.kind !== 'claimed') return decision;
    if (!decision.write) return { kind: 'claimed' } as const;
    return (await store.saveBudget(decision.write.next, decision.write.expectedVersion)) === 'saved' ? ({ kind: 'claimed' } as const) : RETRY;
  });
}

/** The customer's NPS answers summed up, from every request of theirs (the customer index, page by page). */
export async function customerFeedbackSummary(store: Pick<FeedbackStore, 'customerRequests'>, customerId: string): Promise<CustomerFeedbackSummary> {
  const requests: SurveyRequest[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.customerRequests(customerId, 100, cursor);
    requests.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return summarizeCustomerAnswers(requests);
}

// ---- metrics and listings

export async function feedbackMetrics(store: Store, query: { kind: SurveyKind; from: string; to: string }) {
  const days = await store.metricsDays(query.kind, query.from, query.to);
  return {
    kind: query.kind,
    from: query.from,
    to: query.to,
    ...summarize(days),
    daily: days.map((day) => ({ ...day, nps: netPromoterScore(day.promoters, day.detractors, day.responses) })),
  };
}

/** A request as a customer or marketer sees it: an unanswered link past its expiry reads as expired. */
export function feedbackView(request: SurveyRequest, now: string) {
  const { tokenHash: _hash, email: _email, properties: _properties, version: _version, customerId: _customer, ...visible } = request;
  return { ...visible, status: request.status === 'requested' && isExpired(request, now) ? ('expired' as const) : request.status };
}

export type ResponsesListing = { kind: 'listed'; items: ReturnType<typeof responseView>[]; nextCursor?: string } | { kind: 'invalid'; pointer: string; detail: string };

/**
 * GET /v1/feedback/responses: answers across customers, newest first, from the answers index (one Query on one of its
 * partitions: the kind's, or the kind and category's), never a Scan.
 */
export async function listResponses(store: Pick<FeedbackStore, 'answers'>, query: AnswersQuery): Promise<ResponsesListing> {
  if (query.category && !categoriesOf(query.kind).includes(query.category)) return { kind: 'invalid', pointer: '/query/category', detail: `must be one of ${categoriesOf(query.kind).join(', ')} for ${query.kind}` };
  if (query.from && query.to && query.to < query.from) return { kind: 'invalid', pointer: '/query/to', detail: 'must be on or after from' };
  const page = await store.answers(query);
  return { kind: 'listed', items: page.items.map(responseView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export function responseView(entry: AnswerEntry) {
  return { requestId: entry.requestId, customerId: entry.customerId, kind: entry.kind, trigger: entry.trigger, ...entry.answer };
}
