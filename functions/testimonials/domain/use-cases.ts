import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import { addCaseStudyNote, isExcludedAt, moveCaseStudy, scoreCandidate, startCaseStudy, type AdvocacyProfile, type CaseStudy, type CaseStudyStage } from './candidates';
import { CURRENT_CONSENT_VERSION, consentTexts } from './form-page';
import type { TestimonialSettings, TestimonialSettingsInput } from './settings';
import type { AdvocacySources, Announcement, ContactBudgetPort, StoredProfile, TestimonialStore } from './store';
import {
  addDays,
  approve,
  curate,
  DEFAULT_WALL_ID,
  defaultWall,
  linkState,
  MAX_LINK_USES,
  newRequestId,
  newTestimonialId,
  newToken,
  normalizeTags,
  onWall,
  parseToken,
  reject,
  tokenMatches,
  triggeredRequestId,
  wallEntry,
  withdraw,
  type Consent,
  type Curation,
  type RequestTrigger,
  type Testimonial,
  type TestimonialRequest,
  type Transition,
  type Wall,
  type WallEntry,
  type WithdrawnBy,
} from './testimonial';

/**
 * The testimonials use cases: ask the right customers within the shared contact budget, take one submission per
 * link with the consent the customer chose, moderate (a marketer's decision, recorded), withdraw at any time, show
 * walls, and keep the case-study candidates' scores up to date from the signals other services announce.
 */
type Store = TestimonialStore;
const RETRIES: RetryPolicy = { maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 200 };
const retrying = <T>(what: string, attempt: () => Promise<T | typeof RETRY>) => retryOnConflict(what, RETRIES, attempt);

/** Asking needs the feedback service's contact budget; scoring needs the numbers other services own. */
export interface AskDeps {
  readonly store: Store;
  readonly contacts: ContactBudgetPort;
}

export interface ScoreDeps {
  readonly store: Store;
  readonly sources: AdvocacySources;
}

// ---- settings

export type SettingsSave = { kind: 'saved'; settings: TestimonialSettings } | { kind: 'conflict' };

export async function saveTestimonialSettings(store: Store, input: TestimonialSettingsInput, by: string, now: string): Promise<SettingsSave> {
  const current = await store.getSettings();
  const settings: TestimonialSettings = { ...input, version: (current?.version ?? 0) + 1, updatedAt: now, updatedBy: by };
  return (await store.saveSettings(settings, current?.version ?? 0)) === 'saved' ? { kind: 'saved', settings } : { kind: 'conflict' };
}

// ---- asking

export interface Ask {
  readonly requestId: string;
  readonly customerId: string;
  readonly trigger: RequestTrigger;
  /** The contact this ask follows up (the survey a promoter just answered): it rides on that contact's budget. */
  readonly followUpOf?: string;
  readonly email?: string;
}

export type AskResult =
  | { kind: 'requested'; request: TestimonialRequest; link: string }
  | { kind: 'exists'; request: TestimonialRequest }
  | { kind: 'throttled'; reason: string }
  | { kind: 'detractor'; reason: string }
  | { kind: 'not-configured' };

function linkOf(settings: Pick<TestimonialSettings, 'responseBaseUrl'>, token: string): string {
  return `${settings.responseBaseUrl.replace(/\/+$/, '')}/t/${encodeURIComponent(token)}`;
}

function requestedAnnouncement(request: TestimonialRequest, link: string, at: string, key: string): Announcement {
  return {
    event: 'TestimonialRequested',
    key,
    at,
    data: { requestId: request.requestId, customerId: request.customerId, trigger: request.trigger, link, expiresAt: request.expiresAt, ...(request.email ? { email: request.email } : {}) },
  };
}

/**
 * One ask: the contact budget is claimed first (idempotently, under the request's id), then the request is created
 * with its link. A crash between the two leaves the budget claimed by this id, so the redelivered trigger claims it
 * again and creates the request; the budget is never spent twice for one ask.
 */
export async function ask(deps: AskDeps, request: Ask, settings: TestimonialSettings, now: string): Promise<AskResult> {
  const existing = await deps.store.getRequest(request.requestId);
  if (existing) return { kind: 'exists', request: existing };
  const claim = await deps.contacts.claimContact({ customerId: request.customerId, contactId: request.requestId, ...(request.followUpOf ? { followUpOf: request.followUpOf } : {}), at: now });
  if (claim.kind === 'throttled') return { kind: 'throttled', reason: claim.reason };
  if (claim.kind === 'detractor') return { kind: 'detractor', reason: claim.reason };
  const { token, tokenHash } = newToken(request.requestId);
  const created: TestimonialRequest = {
    requestId: request.requestId,
    customerId: request.customerId,
    trigger: request.trigger,
    status: 'requested',
    createdAt: now,
    expiresAt: addDays(now, settings.expiryDays),
    tokenHash,
    uses: 0,
    ...(request.email ? { email: request.email } : {}),
    version: 1,
  };
  const link = linkOf(settings, token);
  const outcome = await deps.store.commit({ request: { next: created, expectedVersion: 0 }, announce: [requestedAnnouncement(created, link, now, 'requested')] });
  if (outcome === 'committed') return { kind: 'requested', request: created, link };
  // Another delivery of the same trigger created it first: that one's link was announced.
  const raced = await deps.store.getRequest(request.requestId);
  if (!raced) throw new Error(`testimonial request ${request.requestId} conflicted but does not exist`);
  return { kind: 'exists', request: raced };
}

export async function askAfterPromoter(deps: AskDeps, answer: { surveyRequestId: string; customerId: string }, now: string): Promise<AskResult | { kind: 'off' }> {
  const settings = await deps.store.getSettingsCached();
  if (!settings?.triggers.promoter.enabled) return { kind: 'off' };
  return ask(deps, { requestId: triggeredRequestId(`promoter:${answer.surveyRequestId}`), customerId: answer.customerId, trigger: 'promoter', followUpOf: answer.surveyRequestId }, settings, now);
}

export async function askAfterTierUpgrade(deps: AskDeps, change: { eventId: string; customerId: string; direction: 'up' | 'down' }, now: string): Promise<AskResult | { kind: 'off' }> {
  const settings = await deps.store.getSettingsCached();
  if (change.direction !== 'up' || !settings?.triggers.tierUpgrade.enabled) return { kind: 'off' };
  return ask(deps, { requestId: triggeredRequestId(`tier:${change.eventId}`), customerId: change.customerId, trigger: 'tier_upgrade' }, settings, now);
}

export async function askAfterReferralRewarded(deps: AskDeps, reward: { referralId: string; advocateCustomerId: string }, now: string): Promise<AskResult | { kind: 'off' }> {
  const settings = await deps.store.getSettingsCached();
  if (!settings?.triggers.referralRewarded.enabled) return { kind: 'off' };
  return ask(deps, { requestId: triggeredRequestId(`referral:${reward.referralId}`), customerId: reward.advocateCustomerId, trigger: 'referral_rewarded' }, settings, now);
}

export type ManualAskOutcome =
  | { customerId: string; status: 'requested'; requestId: string; link: string; expiresAt: string }
  | { customerId: string; status: 'throttled' | 'refused'; reason: string };

/** POST /v1/testimonial-requests: each customer of the list asked once, within the budget; one outcome per customer. */
export async function askManually(deps: AskDeps, customers: readonly { customerId: string; email?: string }[], now: string): Promise<{ kind: 'asked'; outcomes: ManualAskOutcome[] } | { kind: 'not-configured' }> {
  // Read through, not from the cache: an ask right after a settings change follows the change.
  const settings = await deps.store.getSettings();
  if (!settings) return { kind: 'not-configured' };
  const outcomes: ManualAskOutcome[] = [];
  for (const customer of customers) {
    const result = await ask(deps, { requestId: newRequestId(), customerId: customer.customerId, trigger: 'manual', ...(customer.email ? { email: customer.email } : {}) }, settings, now);
    switch (result.kind) {
      case 'requested':
        outcomes.push({ customerId: customer.customerId, status: 'requested', requestId: result.request.requestId, link: result.link, expiresAt: result.request.expiresAt });
        break;
      case 'throttled':
        outcomes.push({ customerId: customer.customerId, status: 'throttled', reason: result.reason });
        break;
      case 'detractor':
        outcomes.push({ customerId: customer.customerId, status: 'refused', reason: result.reason });
        break;
      default:
        throw new Error(`a new request id cannot already exist (${result.kind})`);
    }
  }
  return { kind: 'asked', outcomes };
}

// ---- the link: revoke, regenerate, open

export type LinkChange = { kind: 'changed'; request: TestimonialRequest; link?: string } | { kind: 'not-found' } | { kind: 'submitted' } | { kind: 'revoked' } | { kind: 'not-configured' };

export async function revokeRequest(store: Store, requestId: string, now: string): Promise<LinkChange> {
  return retrying(`revoking ${requestId}`, async () => {
    const request = await store.getRequest(requestId);
    if (!request) return { kind: 'not-found' } as const;
    if (request.status === 'revoked') return { kind: 'changed', request } as const;
    if (request.status === 'submitted') return { kind: 'submitted' } as const;
    const next: TestimonialRequest = { ...request, status: 'revoked', revokedAt: now, version: request.version + 1 };
    return (await store.commit({ request: { next, expectedVersion: request.version }, announce: [] })) === 'committed' ? ({ kind: 'changed', request: next } as const) : RETRY;
  });
}

/** A new link for a request not yet used: the old token stops working at once; the new one is announced again. */
export async function regenerateLink(store: Store, requestId: string, now: string): Promise<LinkChange> {
  const settings = await store.getSettings();
  if (!settings) return { kind: 'not-configured' };
  return retrying(`regenerating ${requestId}`, async () => {
    const request = await store.getRequest(requestId);
    if (!request) return { kind: 'not-found' } as const;
    if (request.status === 'submitted') return { kind: 'submitted' } as const;
    if (request.status === 'revoked') return { kind: 'revoked' } as const;
    const { token, tokenHash } = newToken(requestId);
    const next: TestimonialRequest = { ...request, tokenHash, expiresAt: addDays(now, settings.expiryDays), regeneratedAt: now, version: request.version + 1 };
    const link = linkOf(settings, token);
    const outcome = await store.commit({ request: { next, expectedVersion: request.version }, announce: [requestedAnnouncement(next, link, now, `regenerated:${next.version}`)] });
    return outcome === 'committed' ? ({ kind: 'changed', request: next, link } as const) : RETRY;
  });
}

export type TokenState = { kind: 'open' | 'submitted' | 'expired' | 'revoked'; request: TestimonialRequest } | { kind: 'not-found' };

/** The request a genuine token names, and where it stands (unknown and forged tokens read as not found). */
export async function openLink(store: Store, token: string, now: string): Promise<TokenState> {
  const parsed = parseToken(token);
  const request = parsed ? await store.getRequest(parsed.requestId) : undefined;
  if (!parsed || !request || !tokenMatches(request, parsed.secret)) return { kind: 'not-found' };
  return { kind: linkState(request, now), request };
}

// ---- submitting

export interface Submission {
  readonly token: string;
  readonly rating: number;
  readonly text: string;
  readonly displayName: string;
  readonly title?: string;
  readonly company?: string;
  readonly avatarUrl?: string;
  readonly consent: Consent;
  readonly consentVersion?: number;
}

export type SubmitResult = { kind: 'submitted'; testimonial: Testimonial } | { kind: 'not-found' } | { kind: 'used' } | { kind: 'expired' } | { kind: 'revoked' } | { kind: 'unknown-consent-version'; current: number };

/** One submission per link, starting `pending`: the request is used and the testimonial created in one transaction. */
export async function submitTestimonial(store: Store, submission: Submission, now: string): Promise<SubmitResult> {
  const consentVersion = submission.consentVersion ?? CURRENT_CONSENT_VERSION;
  if (!consentTexts(consentVersion)) return { kind: 'unknown-consent-version', current: CURRENT_CONSENT_VERSION };
  return retrying('a testimonial submission', async () => {
    const opened = await openLink(store, submission.token, now);
    if (opened.kind === 'not-found') return opened;
    if (opened.kind === 'submitted') return { kind: 'used' } as const;
    if (opened.kind !== 'open') return { kind: opened.kind } as const;
    const { request } = opened;
    const testimonial: Testimonial = {
      testimonialId: newTestimonialId(),
      requestId: request.requestId,
      customerId: request.customerId,
      rating: submission.rating,
      text: submission.text.trim(),
      displayName: submission.displayName.trim(),
      ...(submission.title?.trim() ? { title: submission.title.trim() } : {}),
      ...(submission.company?.trim() ? { company: submission.company.trim() } : {}),
      ...(submission.avatarUrl ? { avatarUrl: submission.avatarUrl } : {}),
      consent: submission.consent,
      consentVersion,
      status: 'pending',
      submittedAt: now,
      moderation: [],
      tags: [],
      featured: false,
      sortOrder: 0,
      version: 1,
    };
    const used: TestimonialRequest = { ...request, status: 'submitted', uses: Math.min(MAX_LINK_USES, request.uses + 1), testimonialId: testimonial.testimonialId, version: request.version + 1 };
    const outcome = await store.commit({
      request: { next: used, expectedVersion: request.version },
      testimonial: { next: testimonial, expectedVersion: 0 },
      announce: [
        {
          event: 'TestimonialSubmitted',
          key: 'submitted',
          at: now,
          data: { testimonialId: testimonial.testimonialId, requestId: request.requestId, customerId: request.customerId, consent: testimonial.consent, submittedAt: now },
        },
      ],
    });
    return outcome === 'committed' ? ({ kind: 'submitted', testimonial } as const) : RETRY;
  });
}

// ---- moderation, curation, withdrawal

export type ModerationResult = { kind: 'changed' | 'unchanged'; testimonial: Testimonial } | { kind: 'not-found' } | { kind: 'withdrawn' };

async function transition(store: Store, testimonialId: string, decide: (testimonial: Testimonial) => Transition, announce: (next: Testimonial) => Announcement[]): Promise<ModerationResult> {
  return retrying(`testimonial ${testimonialId}`, async () => {
    const testimonial = await store.getTestimonial(testimonialId);
    if (!testimonial) return { kind: 'not-found' } as const;
    const decided = decide(testimonial);
    if (decided.kind !== 'changed') return decided;
    const outcome = await store.commit({ testimonial: { next: decided.testimonial, expectedVersion: testimonial.version }, announce: announce(decided.testimonial) });
    return outcome === 'committed' ? decided : RETRY;
  });
}

export function approveTestimonial(store: Store, testimonialId: string, by: string, now: string): Promise<ModerationResult> {
  return transition(
    store,
    testimonialId,
    (testimonial) => approve(testimonial, by, now),
    (next) => [{ event: 'TestimonialApproved', key: `approved:${next.version}`, at: now, data: { testimonialId, customerId: next.customerId, consent: next.consent, approvedBy: by, approvedAt: now } }],
  );
}

/** A marketer's decision with its reason; never automatic, never for a low rating alone (no review suppression). */
export function rejectTestimonial(store: Store, testimonialId: string, reason: string, by: string, now: string): Promise<ModerationResult> {
  return transition(
    store,
    testimonialId,
    (testimonial) => reject(testimonial, reason, by, now),
    (next) => [{ event: 'TestimonialRejected', key: `rejected:${next.version}`, at: now, data: { testimonialId, customerId: next.customerId, reason, rejectedBy: by, rejectedAt: now } }],
  );
}

export function curateTestimonial(store: Store, testimonialId: string, change: Curation): Promise<ModerationResult> {
  return transition(store, testimonialId, (testimonial) => curate(testimonial, change), () => []);
}

function withdrawal(store: Store, testimonialId: string, by: WithdrawnBy, now: string): Promise<ModerationResult> {
  return transition(
    store,
    testimonialId,
    (testimonial) => withdraw(testimonial, by, now),
    (next) => [{ event: 'TestimonialWithdrawn', key: 'withdrawn', at: now, data: { testimonialId, customerId: next.customerId, by, withdrawnAt: now } }],
  );
}

/** The customer (by their token) withdraws one of their own testimonials; another customer's reads as not found. */
export async function withdrawByCustomer(store: Store, customerId: string, testimonialId: string, now: string): Promise<ModerationResult> {
  const testimonial = await store.getTestimonial(testimonialId);
  if (!testimonial || testimonial.customerId !== customerId) return { kind: 'not-found' };
  return withdrawal(store, testimonialId, 'customer', now);
}

/** The one-time link stays the author's proof after use: it withdraws what it submitted, at any time. */
export async function withdrawByLink(store: Store, token: string, now: string): Promise<ModerationResult> {
  const opened = await openLink(store, token, now);
  if (opened.kind === 'not-found' || !opened.request.testimonialId) return { kind: 'not-found' };
  return withdrawal(store, opened.request.testimonialId, 'link', now);
}

// ---- walls

export async function wallOf(store: Store, wallId: string): Promise<Wall | undefined> {
  const stored = await store.getWall(wallId);
  return stored ?? (wallId === DEFAULT_WALL_ID ? defaultWall() : undefined);
}

export async function saveWall(store: Store, wallId: string, input: { name: string; tags: readonly string[]; featuredOnly: boolean; limit: number }, by: string, now: string): Promise<{ kind: 'saved'; wall: Wall } | { kind: 'conflict' } | { kind: 'default-is-everything' }> {
  // The default wall shows every publishable testimonial: it may be renamed and limited, never narrowed.
  if (wallId === DEFAULT_WALL_ID && (input.tags.length > 0 || input.featuredOnly)) return { kind: 'default-is-everything' };
  const current = await store.getWall(wallId);
  const wall: Wall = { wallId, name: input.name.trim(), tags: normalizeTags(input.tags), featuredOnly: input.featuredOnly, limit: input.limit, updatedAt: now, updatedBy: by, version: (current?.version ?? 0) + 1 };
  return (await store.saveWall({ next: wall, expectedVersion: current?.version ?? 0 })) === 'saved' ? { kind: 'saved', wall } : { kind: 'conflict' };
}

/** The most pages of published testimonials one wall read goes through looking for its tags. */
const WALL_PAGES = 10;

/** What a public wall shows now: publishable testimonials read consistently, so a withdrawal is gone at once. */
export async function showWall(store: Store, wallId: string): Promise<{ wall: Wall; entries: WallEntry[] } | undefined> {
  const wall = await wallOf(store, wallId);
  if (!wall) return undefined;
  const entries: WallEntry[] = [];
  let cursor: Record<string, unknown> | undefined;
  for (let page = 0; page < WALL_PAGES && entries.length < wall.limit; page++) {
    const result = await store.publishedPage(100, cursor);
    for (const testimonial of result.items) if (entries.length < wall.limit && onWall(wall, testimonial)) entries.push(wallEntry(testimonial));
    cursor = result.cursor;
    if (!cursor) break;
  }
  return { wall, entries };
}

// ---- case-study candidates

/**
 * Recomputes a customer's advocacy profile from the services that own each number (a snapshot, so redelivered and
 * out-of-order signals all converge), and stores its score. `onlyIfKnown`: purchases and refunds refresh the
 * customers already profiled; they do not make a case-study candidate of every buyer.
 */
export async function rescoreCustomer(deps: ScoreDeps, customerId: string, options: { onlyIfKnown: boolean }, now: string): Promise<'saved' | 'unknown' | 'unchanged'> {
  const settings = await deps.store.getSettingsCached();
  const windowDays = settings?.candidateWindowDays ?? 180;
  return retrying(`rescoring ${customerId}`, async () => {
    const current = await deps.store.getProfile(customerId);
    if (!current && options.onlyIfKnown) return 'unknown' as const;
    const [purchases, feedback, referralsRewarded, tier, testimonials] = await Promise.all([
      deps.sources.purchases(customerId),
      deps.sources.feedback(customerId),
      deps.sources.referralsRewarded(customerId),
      deps.sources.tier(customerId),
      deps.store.customerTestimonials(customerId),
    ]);
    const approved = testimonials.filter((testimonial) => testimonial.status === 'approved');
    const bestRating = approved.reduce<number | undefined>((best, testimonial) => (best === undefined || testimonial.rating > best ? testimonial.rating : best), undefined);
    const profile: AdvocacyProfile = {
      customerId,
      promoterAnswers: feedback.promoterAnswers,
      ...(feedback.lastPromoterAt ? { lastPromoterAt: feedback.lastPromoterAt } : {}),
      ...(feedback.lastDetractorAt ? { lastDetractorAt: feedback.lastDetractorAt } : {}),
      ...(tier ? { tier } : {}),
      spendMinor: purchases.spendMinor,
      refundedMinor: purchases.refundedMinor,
      orders: purchases.orders,
      ...(purchases.firstPurchaseAt ? { firstPurchaseAt: purchases.firstPurchaseAt } : {}),
      ...(purchases.lastPurchaseAt ? { lastPurchaseAt: purchases.lastPurchaseAt } : {}),
      ...(purchases.lastRefundAt ? { lastRefundAt: purchases.lastRefundAt } : {}),
      referralsRewarded,
      testimonials: {
        approvedPublic: approved.filter((testimonial) => testimonial.consent === 'public').length,
        approvedAnonymous: approved.filter((testimonial) => testimonial.consent === 'anonymous').length,
        ...(bestRating !== undefined ? { bestRating } : {}),
      },
    };
    const score = scoreCandidate(profile, windowDays);
    // Unchanged only when the score is too: a new candidates window rescores a customer whose numbers stayed put.
    if (current && sameJson(current.profile, profile) && sameJson(current.score, score)) return 'unchanged' as const;
    const stored: StoredProfile = { profile, score, updatedAt: now, version: (current?.version ?? 0) + 1 };
    return (await deps.store.saveProfile(customerId, stored, current?.version ?? 0)) === 'saved' ? ('saved' as const) : RETRY;
  });
}

/** Deep equality of plain data, whatever the order of object keys (stored maps may come back in another order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([key, inner]) => [key, canonical(inner)])) : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export interface CandidateView {
  readonly profile: StoredProfile;
  readonly caseStudy?: CaseStudy;
}

/** The most index pages one listing reads past customers excluded now (a refund or detractor answer in the window). */
const CANDIDATE_PAGES = 10;

/** Eligible customers, highest score first, minus those excluded now; a page may be short when many are excluded. */
export async function listCandidates(store: Store, limit: number, cursor: Record<string, unknown> | undefined, now: string): Promise<{ items: CandidateView[]; cursor?: Record<string, unknown> }> {
  const kept: StoredProfile[] = [];
  let next = cursor;
  for (let page = 0; page < CANDIDATE_PAGES && kept.length < limit; page++) {
    const result = await store.candidatesPage(limit - kept.length, next);
    kept.push(...result.items.filter((stored) => !isExcludedAt(stored.score, now)));
    next = result.cursor;
    if (!next) break;
  }
  const studies = await store.getCaseStudies(kept.map((stored) => stored.profile.customerId));
  return { items: kept.map((profile) => ({ profile, ...(studies.has(profile.profile.customerId) ? { caseStudy: studies.get(profile.profile.customerId) as CaseStudy } : {}) })), ...(next ? { cursor: next } : {}) };
}

export type CaseStudyResult =
  | { kind: 'moved' | 'noted' | 'unchanged'; caseStudy: CaseStudy }
  | { kind: 'invalid-transition'; from: CaseStudyStage; to: CaseStudyStage; allowed: readonly CaseStudyStage[] }
  | { kind: 'not-a-candidate' };

/** Moves a candidate along candidate → contacted → interviewing → published | declined, announcing each move. */
export async function moveCandidate(store: Store, customerId: string, to: CaseStudyStage, by: string, now: string, note?: string): Promise<CaseStudyResult> {
  return retrying(`case study ${customerId}`, async () => {
    const [profile, stored] = await Promise.all([store.getProfile(customerId), store.getCaseStudy(customerId)]);
    if (!stored && !profile?.score.eligible) return { kind: 'not-a-candidate' } as const;
    const current = stored ?? startCaseStudy(customerId, by, now);
    const moved = moveCaseStudy(current, to, by, now, note);
    if (moved.kind !== 'moved') return moved;
    const announce: Announcement[] = [{ event: 'CaseStudyStageChanged', key: `stage:${moved.caseStudy.version}`, at: now, data: { customerId, from: moved.from, to: moved.to, changedBy: by, changedAt: now } }];
    return (await store.commitCaseStudy({ next: moved.caseStudy, expectedVersion: stored?.version ?? 0 }, announce)) === 'committed' ? ({ kind: 'moved', caseStudy: moved.caseStudy } as const) : RETRY;
  });
}

export async function noteCandidate(store: Store, customerId: string, text: string, by: string, now: string): Promise<CaseStudyResult> {
  return retrying(`case study ${customerId}`, async () => {
    const [profile, stored] = await Promise.all([store.getProfile(customerId), store.getCaseStudy(customerId)]);
    if (!stored && !profile?.score.eligible) return { kind: 'not-a-candidate' } as const;
    const noted = addCaseStudyNote(stored ?? startCaseStudy(customerId, by, now), text, by, now);
    return (await store.commitCaseStudy({ next: noted, expectedVersion: stored?.version ?? 0 }, [])) === 'committed' ? ({ kind: 'noted', caseStudy: noted } as const) : RETRY;
  });
}
