import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { scoreCandidate, scoreSortKey, type AdvocacyProfile, type CaseStudy } from '../../functions/testimonials/domain/candidates';
import { CURRENT_CONSENT_VERSION } from '../../functions/testimonials/domain/form-page';
import { demoTestimonialSettings, testimonialSettingsInput, type TestimonialSettings } from '../../functions/testimonials/domain/settings';
import type { AdvocacySources, Announcement, ContactBudgetPort, ContactClaim, ModerationQuery, StoredProfile, TestimonialStore, Versioned } from '../../functions/testimonials/domain/store';
import {
  addDays,
  approve,
  curate,
  DEFAULT_WALL_ID,
  defaultWall,
  isPublishable,
  linkState,
  MAX_SORT_ORDER,
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
  wallOrder,
  wallSortKey,
  withdraw,
  type Consent,
  type Testimonial,
  type TestimonialRequest,
  type TestimonialStatus,
  type Transition,
  type Wall,
} from '../../functions/testimonials/domain/testimonial';
import {
  approveTestimonial,
  ask,
  askAfterPromoter,
  askAfterReferralRewarded,
  askAfterTierUpgrade,
  askManually,
  curateTestimonial,
  listCandidates,
  moveCandidate,
  noteCandidate,
  openLink,
  regenerateLink,
  rejectTestimonial,
  rescoreCustomer,
  revokeRequest,
  saveTestimonialSettings,
  saveWall,
  showWall,
  submitTestimonial,
  withdrawByCustomer,
  withdrawByLink,
  type Submission,
} from '../../functions/testimonials/domain/use-cases';
import type { Page } from '../../shared/domain/pagination';

/**
 * The testimonials service's pure domain, adversarially: one-time tokens (forged, borrowed, malformed, compared in
 * constant time whatever their length), link states at the expiry instant, every moderation transition from every
 * status with its who/when/why, withdrawal as final, what a wall may show (never a private, withdrawn or unmoderated
 * testimonial, never an anonymous author's identity) and in which order (the domain's comparator and the index's sort
 * key agree), and the use cases over an in-memory store and contact budget that keep the ports' contracts: a commit is
 * all-or-nothing, conditioned on the versions read (0: must not exist), and an announcement's key is used once per
 * entity. Nothing rejects or ranks down a testimonial for a low rating (FTC 16 CFR 465).
 */
const t0 = '2032-03-01T10:00:00.000Z';
const DAY_MS = 86_400_000;
const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const STATUSES: readonly TestimonialStatus[] = ['pending', 'approved', 'rejected', 'withdrawn'];
const CONSENTS: readonly Consent[] = ['public', 'anonymous', 'private'];

const testimonialOf = (patch: Partial<Testimonial> = {}): Testimonial => ({
  testimonialId: 'ts_AAAAAAAAAAAAAAAA',
  requestId: 'tr_AAAAAAAAAAAAAAAA',
  customerId: 'cus_1',
  rating: 5,
  text: 'They answered within minutes.',
  displayName: 'Ada Lovelace',
  title: 'CTO',
  company: 'Analytical Engines Ltd',
  avatarUrl: 'https://cdn.example.com/ada.png',
  consent: 'public',
  consentVersion: 1,
  status: 'pending',
  submittedAt: t0,
  moderation: [],
  tags: [],
  featured: false,
  sortOrder: 0,
  version: 1,
  ...patch,
});

const requestOf = (patch: Partial<TestimonialRequest> = {}): TestimonialRequest => ({
  requestId: 'tr_AAAAAAAAAAAAAAAA',
  customerId: 'cus_1',
  trigger: 'manual',
  status: 'requested',
  createdAt: t0,
  expiresAt: at(t0, 14 * DAY_MS),
  tokenHash: newToken('tr_AAAAAAAAAAAAAAAA').tokenHash,
  uses: 0,
  version: 1,
  ...patch,
});

const settingsOf = (patch: Partial<TestimonialSettings> = {}): TestimonialSettings => ({
  ...demoTestimonialSettings('https://api.example.com/'),
  version: 1,
  updatedAt: t0,
  updatedBy: 'admin',
  ...patch,
});

const changed = (transition: Transition): Testimonial => {
  if (transition.kind !== 'changed') throw new Error(`expected a change, got ${transition.kind}`);
  return transition.testimonial;
};

/** Code-unit (= UTF-8 byte order for ASCII) comparison: how DynamoDB orders a string sort key. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------------------------
// In-memory ports

/** Resolves every waiter once `parties` have arrived: forces concurrent use cases to interleave at one point. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === parties) release();
    return all;
  };
}

type CommitChange = Parameters<TestimonialStore['commit']>[0];

/**
 * The TestimonialStore contract, in memory: reads return copies; `commit` checks every version condition (0: must not
 * exist) and every announcement's uniqueness (event + key per entity) before writing anything, then writes all of it.
 * The wall index orders by wallSortKey as DynamoDB orders a string key; the candidates index by score, highest first.
 */
class MemoryStore implements TestimonialStore {
  settings: TestimonialSettings | undefined;
  readonly requests = new Map<string, TestimonialRequest>();
  readonly testimonials = new Map<string, Testimonial>();
  readonly walls = new Map<string, Wall>();
  readonly profiles = new Map<string, StoredProfile>();
  readonly caseStudies = new Map<string, CaseStudy>();
  /** Every announcement committed, with the entity it lives with. */
  readonly events: { owner: string; announcement: Announcement }[] = [];
  readonly calls = { commit: 0, committed: 0, saveProfile: 0, saveWall: 0, getRequest: 0, publishedPage: 0, candidatesPage: 0, commitCaseStudy: 0 };
  /** Runs before a commit is judged (await it to interleave, or write behind the caller's back). */
  beforeCommit: ((change: CommitChange) => Promise<void> | void) | undefined;
  beforeSaveProfile: ((customerId: string) => Promise<void> | void) | undefined;
  beforeSaveWall: (() => Promise<void> | void) | undefined;
  /** Throws from the next commit before it writes anything: a crash (a Lambda timeout, a lost connection). */
  crashNextCommit = false;
  readonly log: string[];

  constructor(log: string[] = []) {
    this.log = log;
  }

  private static fits(current: { version: number } | undefined, expectedVersion: number): boolean {
    return expectedVersion === 0 ? current === undefined : current?.version === expectedVersion;
  }

  private eventId(owner: string, announcement: Announcement): string {
    return `${owner}|${announcement.event}|${announcement.key}`;
  }

  seedTestimonial(testimonial: Testimonial): Testimonial {
    this.testimonials.set(testimonial.testimonialId, structuredClone(testimonial));
    return testimonial;
  }

  async getSettings() {
    return this.settings && structuredClone(this.settings);
  }
  async getSettingsCached() {
    return this.getSettings();
  }
  async saveSettings(settings: TestimonialSettings, previousVersion: number): Promise<'saved' | 'conflict'> {
    if (!MemoryStore.fits(this.settings, previousVersion)) return 'conflict';
    this.settings = structuredClone(settings);
    return 'saved';
  }

  async getRequest(requestId: string) {
    this.calls.getRequest += 1;
    const found = this.requests.get(requestId);
    return found && structuredClone(found);
  }
  async getTestimonial(testimonialId: string) {
    const found = this.testimonials.get(testimonialId);
    return found && structuredClone(found);
  }

  async commit(change: CommitChange): Promise<'committed' | 'conflict'> {
    this.calls.commit += 1;
    await this.beforeCommit?.(change);
    if (this.crashNextCommit) {
      this.crashNextCommit = false;
      throw new Error('crashed before the transaction was sent');
    }
    const owner = change.testimonial ? `TESTIMONIAL#${change.testimonial.next.testimonialId}` : change.request ? `REQUEST#${change.request.next.requestId}` : undefined;
    if (!owner && change.announce.length > 0) throw new Error('an announcement needs the entity it is about');
    const taken = new Set(this.events.map((event) => this.eventId(event.owner, event.announcement)));
    const ids = change.announce.map((announcement) => this.eventId(owner as string, announcement));
    if (change.request && !MemoryStore.fits(this.requests.get(change.request.next.requestId), change.request.expectedVersion)) return 'conflict';
    if (change.testimonial && !MemoryStore.fits(this.testimonials.get(change.testimonial.next.testimonialId), change.testimonial.expectedVersion)) return 'conflict';
    if (ids.some((id) => taken.has(id)) || new Set(ids).size !== ids.length) return 'conflict';
    if (change.request) this.requests.set(change.request.next.requestId, structuredClone(change.request.next));
    if (change.testimonial) this.testimonials.set(change.testimonial.next.testimonialId, structuredClone(change.testimonial.next));
    for (const announcement of change.announce) this.events.push({ owner: owner as string, announcement: structuredClone(announcement) });
    this.calls.committed += 1;
    this.log.push(`commit:${change.request?.next.requestId ?? change.testimonial?.next.testimonialId ?? ''}`);
    return 'committed';
  }

  async moderationPage(query: ModerationQuery): Promise<Page<Testimonial>> {
    const all = [...this.testimonials.values()]
      .filter((testimonial) => testimonial.status === query.status && (!query.tag || testimonial.tags.includes(query.tag)) && (query.rating === undefined || testimonial.rating === query.rating))
      .sort((a, b) => byCodeUnits(b.submittedAt, a.submittedAt));
    const start = query.cursor ? Number(query.cursor) : 0;
    const items = all.slice(start, start + query.limit).map((testimonial) => structuredClone(testimonial));
    return { items, ...(start + query.limit < all.length ? { nextCursor: String(start + query.limit) } : {}) };
  }

  async customerTestimonials(customerId: string) {
    return [...this.testimonials.values()].filter((testimonial) => testimonial.customerId === customerId).map((testimonial) => structuredClone(testimonial));
  }
  async customerRequests(customerId: string) {
    return [...this.requests.values()].filter((request) => request.customerId === customerId).map((request) => structuredClone(request));
  }

  /** Like a DynamoDB query with Limit: a cursor whenever the page is full, even if nothing follows. */
  async publishedPage(limit: number, cursor?: Record<string, unknown>) {
    this.calls.publishedPage += 1;
    const after = cursor?.gsi3sk as string | undefined;
    const index = [...this.testimonials.values()]
      .filter(isPublishable)
      .map((testimonial) => ({ key: wallSortKey(testimonial), testimonial }))
      .sort((a, b) => byCodeUnits(a.key, b.key))
      .filter((entry) => after === undefined || entry.key > after);
    const page = index.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((entry) => structuredClone(entry.testimonial)), ...(page.length === limit && last ? { cursor: { gsi3pk: 'PUBLISHED', gsi3sk: last.key } } : {}) };
  }

  async getWall(wallId: string) {
    const found = this.walls.get(wallId);
    return found && structuredClone(found);
  }
  async saveWall(change: Versioned<Wall>): Promise<'saved' | 'conflict'> {
    this.calls.saveWall += 1;
    await this.beforeSaveWall?.();
    if (!MemoryStore.fits(this.walls.get(change.next.wallId), change.expectedVersion)) return 'conflict';
    this.walls.set(change.next.wallId, structuredClone(change.next));
    return 'saved';
  }
  async deleteWall(wallId: string) {
    return this.walls.delete(wallId);
  }
  async listWalls() {
    return [...this.walls.values()].map((wall) => structuredClone(wall));
  }

  async getProfile(customerId: string) {
    const found = this.profiles.get(customerId);
    return found && structuredClone(found);
  }
  async saveProfile(customerId: string, stored: StoredProfile, expectedVersion: number): Promise<'saved' | 'conflict'> {
    this.calls.saveProfile += 1;
    await this.beforeSaveProfile?.(customerId);
    if (!MemoryStore.fits(this.profiles.get(customerId), expectedVersion)) return 'conflict';
    this.profiles.set(customerId, structuredClone(stored));
    return 'saved';
  }
  async candidatesPage(limit: number, cursor?: Record<string, unknown>) {
    this.calls.candidatesPage += 1;
    const before = cursor?.gsi4sk as string | undefined;
    const index = [...this.profiles.entries()]
      .filter(([, stored]) => stored.score.eligible)
      .map(([customerId, stored]) => ({ key: `${scoreSortKey(stored.score.score)}#${customerId}`, stored }))
      .sort((a, b) => byCodeUnits(b.key, a.key))
      .filter((entry) => before === undefined || entry.key < before);
    const page = index.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((entry) => structuredClone(entry.stored)), ...(page.length === limit && last ? { cursor: { gsi4pk: 'CANDIDATES', gsi4sk: last.key } } : {}) };
  }
  async getCaseStudy(customerId: string) {
    const found = this.caseStudies.get(customerId);
    return found && structuredClone(found);
  }
  async getCaseStudies(customerIds: readonly string[]) {
    return new Map(customerIds.flatMap((customerId) => (this.caseStudies.has(customerId) ? [[customerId, structuredClone(this.caseStudies.get(customerId) as CaseStudy)] as const] : [])));
  }
  async commitCaseStudy(change: Versioned<CaseStudy>, announce: readonly Announcement[]): Promise<'committed' | 'conflict'> {
    this.calls.commitCaseStudy += 1;
    const owner = `PROFILE#${change.next.customerId}`;
    const taken = new Set(this.events.map((event) => this.eventId(event.owner, event.announcement)));
    if (!MemoryStore.fits(this.caseStudies.get(change.next.customerId), change.expectedVersion)) return 'conflict';
    if (announce.some((announcement) => taken.has(this.eventId(owner, announcement)))) return 'conflict';
    this.caseStudies.set(change.next.customerId, structuredClone(change.next));
    for (const announcement of announce) this.events.push({ owner, announcement: structuredClone(announcement) });
    return 'committed';
  }
}

/**
 * The feedback service's contact budget as its facade promises it: a detractor is never asked; a claim is idempotent
 * per contact (the contact that spent the window, or the one follow-up riding on it, claims again for free); the one
 * follow-up of the last contact rides on it; otherwise one contact per window.
 */
class MemoryContacts implements ContactBudgetPort {
  readonly claims: { customerId: string; contactId: string; followUpOf?: string; at: string }[] = [];
  readonly budgets = new Map<string, { lastContactId: string; lastContactAt: string; followUpId?: string }>();
  readonly detractors = new Map<string, string>();
  readonly windowDays = 30;
  readonly log: string[];

  constructor(log: string[] = []) {
    this.log = log;
  }

  async claimContact(claim: { customerId: string; contactId: string; followUpOf?: string; at: string }): Promise<ContactClaim> {
    this.claims.push({ ...claim });
    this.log.push(`claim:${claim.contactId}`);
    const answeredAt = this.detractors.get(claim.customerId);
    if (answeredAt) return { kind: 'detractor', answeredAt, reason: `answered NPS as a detractor on ${answeredAt}` };
    const budget = this.budgets.get(claim.customerId);
    if (budget && (budget.lastContactId === claim.contactId || budget.followUpId === claim.contactId)) return { kind: 'claimed' };
    if (budget && claim.followUpOf === budget.lastContactId && budget.followUpId === undefined) {
      this.budgets.set(claim.customerId, { ...budget, followUpId: claim.contactId });
      return { kind: 'claimed' };
    }
    if (budget && Date.parse(claim.at) < Date.parse(budget.lastContactAt) + this.windowDays * DAY_MS) return { kind: 'throttled', reason: `asked on ${budget.lastContactAt}` };
    this.budgets.set(claim.customerId, { lastContactId: claim.contactId, lastContactAt: claim.at });
    return { kind: 'claimed' };
  }
}

function world() {
  const log: string[] = [];
  const store = new MemoryStore(log);
  const contacts = new MemoryContacts(log);
  store.settings = settingsOf();
  return { store, contacts, log, deps: { store, contacts } };
}

const tokenOf = (link: string): string => decodeURIComponent(link.slice(link.indexOf('/t/') + 3));

/** A manual ask for a fresh customer; returns the request and the token its link carries. */
async function asked(w: ReturnType<typeof world>, customerId: string, now = t0): Promise<{ request: TestimonialRequest; token: string; link: string }> {
  const result = await ask(w.deps, { requestId: newRequestId(), customerId, trigger: 'manual' }, w.store.settings as TestimonialSettings, now);
  if (result.kind !== 'requested') throw new Error(`expected a request, got ${result.kind}`);
  return { request: result.request, token: tokenOf(result.link), link: result.link };
}

const submissionOf = (token: string, patch: Partial<Submission> = {}): Submission => ({ token, rating: 5, text: 'Great service', displayName: 'Ada', consent: 'public', ...patch });

async function submitted(w: ReturnType<typeof world>, customerId: string, patch: Partial<Submission> = {}, now = at(t0, 3600_000)): Promise<{ testimonial: Testimonial; token: string; request: TestimonialRequest }> {
  const { token, request } = await asked(w, customerId);
  const result = await submitTestimonial(w.store, submissionOf(token, patch), now);
  if (result.kind !== 'submitted') throw new Error(`expected a submission, got ${result.kind}`);
  return { testimonial: result.testimonial, token, request };
}

const eventsNamed = (store: MemoryStore, event: Announcement['event']) => store.events.filter((entry) => entry.announcement.event === event).map((entry) => entry.announcement);

// ---------------------------------------------------------------------------------------------------------------
// Tokens and links

describe('tokens: newToken, parseToken, tokenMatches', () => {
  const requestId = newRequestId();

  it('makes `<requestId>.<43-char secret>`, storing only a hash that is neither the secret nor inside the token', () => {
    const { token, tokenHash } = newToken(requestId);
    const parsed = parseToken(token);
    expect(parsed).toEqual({ requestId, secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(tokenHash).not.toBe(parsed?.secret);
    expect(token).not.toContain(tokenHash);
    expect(tokenMatches({ tokenHash }, parsed?.secret as string)).toBe(true);
  });

  it('makes a different secret every time for the same request', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newToken(requestId).token));
    expect(tokens.size).toBe(50);
  });

  it('round-trips for every id shape the service mints (random and trigger-derived)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 })), (trigger) => {
        const id = trigger === undefined ? newRequestId() : triggeredRequestId(trigger);
        const { token, tokenHash } = newToken(id);
        const parsed = parseToken(token);
        expect(parsed?.requestId).toBe(id);
        expect(tokenMatches({ tokenHash }, parsed?.secret as string)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a forged secret, another request’s secret, the stored hash used as a secret, and the empty secret', () => {
    const mine = newToken(requestId);
    const theirs = newToken(newRequestId());
    const theirSecret = parseToken(theirs.token)?.secret as string;
    expect(tokenMatches({ tokenHash: mine.tokenHash }, randomBytes(32).toString('base64url'))).toBe(false);
    expect(tokenMatches({ tokenHash: mine.tokenHash }, theirSecret)).toBe(false);
    expect(tokenMatches({ tokenHash: mine.tokenHash }, mine.tokenHash)).toBe(false);
    expect(tokenMatches({ tokenHash: mine.tokenHash }, '')).toBe(false);
  });

  it('compares in constant time without throwing when the stored hash has another length (timingSafeEqual would throw)', () => {
    const secret = parseToken(newToken(requestId).token)?.secret as string;
    for (const tokenHash of ['', 'short', 'x'.repeat(42), 'x'.repeat(43), 'x'.repeat(44), 'x'.repeat(200), 'é'.repeat(43)]) {
      expect(() => tokenMatches({ tokenHash }, secret)).not.toThrow();
      expect(tokenMatches({ tokenHash }, secret)).toBe(false);
    }
  });

  it.each([
    ['empty', ''],
    ['no separator', `${requestId}${'a'.repeat(43)}`],
    ['two separators', `${requestId}.${'a'.repeat(43)}.x`],
    ['a survey prefix', `sv_${'A'.repeat(16)}.${'a'.repeat(43)}`],
    ['an upper-case prefix', `TR_${'A'.repeat(16)}.${'a'.repeat(43)}`],
    ['a request id too short', `tr_${'A'.repeat(15)}.${'a'.repeat(43)}`],
    ['a request id too long', `tr_${'A'.repeat(25)}.${'a'.repeat(43)}`],
    ['a secret one short', `${requestId}.${'a'.repeat(42)}`],
    ['a secret one long', `${requestId}.${'a'.repeat(44)}`],
    ['standard base64 (+ and /)', `${requestId}.${'a'.repeat(41)}+/`],
    ['base64 padding', `${requestId}.${'a'.repeat(42)}=`],
    ['a trailing newline', `${requestId}.${'a'.repeat(43)}\n`],
    ['leading whitespace', ` ${requestId}.${'a'.repeat(43)}`],
    ['a path in the id', `tr_../../${'A'.repeat(10)}.${'a'.repeat(43)}`],
  ])('parseToken refuses %s', (_name, token) => {
    expect(parseToken(token)).toBeUndefined();
  });
});

describe('triggeredRequestId', () => {
  it('is deterministic: a redelivered trigger names the same request', () => {
    expect(triggeredRequestId('promoter:sv_1')).toBe(triggeredRequestId('promoter:sv_1'));
    expect(triggeredRequestId('promoter:sv_1')).toMatch(/^tr_[A-Za-z0-9_-]{16}$/);
  });

  it('differs for different triggers, including the same source id under another trigger kind', () => {
    const ids = ['promoter:x', 'tier:x', 'referral:x', 'promoter:x ', 'Promoter:x', 'promoter:y'].map(triggeredRequestId);
    expect(new Set(ids).size).toBe(ids.length);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(triggeredRequestId(a)).not.toBe(triggeredRequestId(b));
      }),
    );
  });

  it('has the shape of a minted request id, so its links parse like any other', () => {
    expect(parseToken(`${triggeredRequestId('tier:e1')}.${'a'.repeat(43)}`)).toBeDefined();
    expect(newRequestId()).toMatch(/^tr_[A-Za-z0-9_-]{16}$/);
    expect(newTestimonialId()).toMatch(/^ts_[A-Za-z0-9_-]{16}$/);
  });
});

describe('linkState', () => {
  const request = requestOf({ expiresAt: at(t0, 14 * DAY_MS) });

  it('is open until the instant before expiresAt, and expired exactly at it and after', () => {
    expect(linkState(request, t0)).toBe('open');
    expect(linkState(request, at(request.expiresAt, -1))).toBe('open');
    expect(linkState(request, request.expiresAt)).toBe('expired');
    expect(linkState(request, at(request.expiresAt, 1))).toBe('expired');
  });

  it('reads the same instant written with an offset as the same instant', () => {
    expect(linkState(requestOf({ expiresAt: '2032-03-15T10:00:00.000Z' }), '2032-03-15T12:00:00.000+02:00')).toBe('expired');
    expect(linkState(requestOf({ expiresAt: '2032-03-15T10:00:00.000Z' }), '2032-03-15T11:59:59.999+02:00')).toBe('open');
  });

  it('says used once the link was used, whatever the status says and even after expiry', () => {
    expect(linkState(requestOf({ status: 'submitted', uses: 1 }), t0)).toBe('submitted');
    expect(linkState(requestOf({ status: 'requested', uses: 1 }), t0)).toBe('submitted');
    expect(linkState(requestOf({ status: 'submitted', uses: 1 }), at(request.expiresAt, DAY_MS))).toBe('submitted');
  });

  it('says revoked before anything else', () => {
    expect(linkState(requestOf({ status: 'revoked' }), t0)).toBe('revoked');
    expect(linkState(requestOf({ status: 'revoked' }), at(request.expiresAt, DAY_MS))).toBe('revoked');
  });

  it('addDays adds whole days in UTC', () => {
    expect(addDays('2032-03-01T10:00:00.000Z', 14)).toBe('2032-03-15T10:00:00.000Z');
    expect(addDays('2032-12-31T23:59:59.999Z', 1)).toBe('2033-01-01T23:59:59.999Z');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Transitions

describe('moderation transitions from every status', () => {
  const by = 'marketer@example.com';
  const when = at(t0, DAY_MS);

  it.each<[TestimonialStatus, Transition['kind']]>([
    ['pending', 'changed'],
    ['approved', 'unchanged'],
    ['rejected', 'changed'],
    ['withdrawn', 'withdrawn'],
  ])('approve from %s: %s', (status, kind) => {
    const before = testimonialOf({ status, version: 4 });
    const result = approve(before, by, when);
    expect(result.kind).toBe(kind);
    if (result.kind === 'changed') {
      expect(result.testimonial).toEqual({ ...before, status: 'approved', moderation: [{ decision: 'approved', by, at: when }], version: 5 });
      expect(result.testimonial.moderation[0]).not.toHaveProperty('reason');
    }
    if (result.kind === 'unchanged') expect(result.testimonial).toBe(before);
  });

  it.each<[TestimonialStatus, Transition['kind']]>([
    ['pending', 'changed'],
    ['approved', 'changed'],
    ['rejected', 'unchanged'],
    ['withdrawn', 'withdrawn'],
  ])('reject from %s: %s', (status, kind) => {
    const before = testimonialOf({ status, version: 4 });
    const result = reject(before, 'names a member of staff', by, when);
    expect(result.kind).toBe(kind);
    if (result.kind === 'changed') expect(result.testimonial).toEqual({ ...before, status: 'rejected', moderation: [{ decision: 'rejected', by, at: when, reason: 'names a member of staff' }], version: 5 });
    if (result.kind === 'unchanged') expect(result.testimonial).toBe(before);
  });

  it.each<[TestimonialStatus, Transition['kind']]>([
    ['pending', 'changed'],
    ['approved', 'changed'],
    ['rejected', 'changed'],
    ['withdrawn', 'unchanged'],
  ])('withdraw from %s: %s', (status, kind) => {
    const before = testimonialOf({ status, version: 4, ...(status === 'withdrawn' ? { withdrawnAt: t0, withdrawnBy: 'customer' as const } : {}) });
    const result = withdraw(before, 'link', when);
    expect(result.kind).toBe(kind);
    if (result.kind === 'changed') expect(result.testimonial).toEqual({ ...before, status: 'withdrawn', withdrawnAt: when, withdrawnBy: 'link', version: 5 });
    // Withdrawing twice keeps the first withdrawal's who and when.
    if (result.kind === 'unchanged') expect(result.testimonial).toEqual({ ...before, withdrawnAt: t0, withdrawnBy: 'customer' });
  });

  it.each<[TestimonialStatus, Transition['kind']]>([
    ['pending', 'changed'],
    ['approved', 'changed'],
    ['rejected', 'changed'],
    ['withdrawn', 'withdrawn'],
  ])('curate from %s: %s, never changing the status', (status, kind) => {
    const before = testimonialOf({ status, version: 4 });
    const result = curate(before, { featured: true });
    expect(result.kind).toBe(kind);
    if (result.kind === 'changed') expect(result.testimonial).toEqual({ ...before, featured: true, version: 5 });
  });

  it('keeps every decision, oldest first, with who, when and why; never mutating the testimonial it was given', () => {
    const start = testimonialOf();
    const first = changed(approve(start, 'ann', at(t0, 1)));
    const second = changed(reject(first, 'contains a phone number', 'bob', at(t0, 2)));
    const third = changed(approve(second, 'cy', at(t0, 3)));
    expect(third.moderation).toEqual([
      { decision: 'approved', by: 'ann', at: at(t0, 1) },
      { decision: 'rejected', by: 'bob', at: at(t0, 2), reason: 'contains a phone number' },
      { decision: 'approved', by: 'cy', at: at(t0, 3) },
    ]);
    expect(third.version).toBe(start.version + 3);
    expect(start.moderation).toEqual([]);
    expect(first.moderation).toHaveLength(1);
    expect(second.moderation).toHaveLength(2);
  });

  it('makes withdrawal final: nothing moves a withdrawn testimonial, whoever asks', () => {
    const gone = changed(withdraw(testimonialOf({ status: 'approved' }), 'customer', t0));
    expect(approve(gone, 'ann', t0)).toEqual({ kind: 'withdrawn' });
    expect(reject(gone, 'x', 'ann', t0)).toEqual({ kind: 'withdrawn' });
    expect(curate(gone, { tags: ['x'], featured: true, sortOrder: 3 })).toEqual({ kind: 'withdrawn' });
    for (const by of ['customer', 'link', 'erasure'] as const) expect(withdraw(gone, by, at(t0, DAY_MS))).toEqual({ kind: 'unchanged', testimonial: gone });
  });
});

describe('curate and normalizeTags', () => {
  it('normalizes tags: trimmed, lower-case, once each, sorted', () => {
    expect(normalizeTags(['Case-Study', 'case-study', ' b2b ', 'B2B', 'apac', 'Zeta', 'alpha'])).toEqual(['alpha', 'apac', 'b2b', 'case-study', 'zeta']);
    expect(normalizeTags([])).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^ ?[A-Za-z0-9][A-Za-z0-9-]{0,8} ?$/)), (tags) => {
        const once = normalizeTags(tags);
        expect(normalizeTags(once)).toEqual(once);
        expect(normalizeTags([...tags].reverse())).toEqual(once);
        expect(new Set(once).size).toBe(once.length);
        expect(once).toEqual([...once].sort(byCodeUnits));
        for (const tag of once) expect(tag).toBe(tag.trim().toLowerCase());
      }),
    );
  });

  it('is unchanged (same object, same version) when nothing would change: same tags in another case and order, same flag, same order', () => {
    const before = testimonialOf({ tags: ['b2b', 'case-study'], featured: true, sortOrder: 7, version: 3 });
    for (const change of [{}, { tags: ['Case-Study', 'B2B', 'b2b'] }, { featured: true }, { sortOrder: 7 }, { tags: [' case-study', 'b2b '], featured: true, sortOrder: 7 }]) {
      expect(curate(before, change)).toEqual({ kind: 'unchanged', testimonial: before });
    }
  });

  it('changes exactly what was asked, normalizing tags, one version up', () => {
    const before = testimonialOf({ tags: ['b2b'], featured: false, sortOrder: 0, version: 3 });
    expect(changed(curate(before, { tags: ['APAC', 'b2b'] }))).toEqual({ ...before, tags: ['apac', 'b2b'], version: 4 });
    expect(changed(curate(before, { sortOrder: MAX_SORT_ORDER }))).toEqual({ ...before, sortOrder: MAX_SORT_ORDER, version: 4 });
    expect(changed(curate(before, { tags: [] }))).toEqual({ ...before, tags: [], version: 4 });
    expect(changed(curate(before, { featured: true, sortOrder: 2 }))).toEqual({ ...before, featured: true, sortOrder: 2, version: 4 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Walls

describe('what a wall may show', () => {
  it.each(STATUSES.flatMap((status) => CONSENTS.map((consent) => [status, consent] as const)))('isPublishable(%s, %s)', (status, consent) => {
    expect(isPublishable({ status, consent })).toBe(status === 'approved' && consent !== 'private');
    expect(onWall({ tags: [], featuredOnly: false }, testimonialOf({ status, consent, featured: true, tags: ['x'] }))).toBe(status === 'approved' && consent !== 'private');
    expect(onWall({ tags: ['x'], featuredOnly: true }, testimonialOf({ status, consent, featured: true, tags: ['x'] }))).toBe(status === 'approved' && consent !== 'private');
  });

  it('an anonymous entry carries no name, title, company or picture, not even in its serialized form', () => {
    const anonymous = testimonialOf({ status: 'approved', consent: 'anonymous' });
    const entry = wallEntry(anonymous);
    expect(entry).toEqual({ testimonialId: anonymous.testimonialId, rating: 5, text: anonymous.text, displayName: null, featured: false, submittedAt: t0 });
    const serialized = JSON.stringify(entry);
    for (const secret of [anonymous.displayName, anonymous.title, anonymous.company, anonymous.avatarUrl, anonymous.customerId, anonymous.requestId]) expect(serialized).not.toContain(secret as string);
    for (const key of ['title', 'company', 'avatarUrl', 'customerId', 'requestId', 'consent', 'moderation']) expect(entry).not.toHaveProperty(key);
  });

  it('a private one is nameless too (were it ever asked), and a public one shows who wrote it, skipping empty fields', () => {
    expect(wallEntry(testimonialOf({ consent: 'private' })).displayName).toBeNull();
    expect(JSON.stringify(wallEntry(testimonialOf({ consent: 'private' })))).not.toContain('Ada');
    const named = wallEntry(testimonialOf({ consent: 'public', featured: true }));
    expect(named).toEqual({
      testimonialId: 'ts_AAAAAAAAAAAAAAAA',
      rating: 5,
      text: 'They answered within minutes.',
      displayName: 'Ada Lovelace',
      title: 'CTO',
      company: 'Analytical Engines Ltd',
      avatarUrl: 'https://cdn.example.com/ada.png',
      featured: true,
      submittedAt: t0,
    });
    const bare = wallEntry(testimonialOf({ title: '', company: '', avatarUrl: '' }));
    for (const key of ['title', 'company', 'avatarUrl', 'moderation', 'customerId']) expect(bare).not.toHaveProperty(key);
  });

  it('onWall: any of the wall’s tags, featured only when asked, every publishable one with no tags', () => {
    const plain = testimonialOf({ status: 'approved', tags: ['b2b'] });
    const featured = testimonialOf({ status: 'approved', tags: ['apac', 'case-study'], featured: true });
    expect(onWall({ tags: [], featuredOnly: false }, plain)).toBe(true);
    expect(onWall({ tags: ['b2b'], featuredOnly: false }, plain)).toBe(true);
    expect(onWall({ tags: ['apac', 'b2b'], featuredOnly: false }, plain)).toBe(true);
    expect(onWall({ tags: ['apac'], featuredOnly: false }, plain)).toBe(false);
    expect(onWall({ tags: ['b2'], featuredOnly: false }, plain)).toBe(false);
    expect(onWall({ tags: [], featuredOnly: true }, plain)).toBe(false);
    expect(onWall({ tags: [], featuredOnly: true }, featured)).toBe(true);
    expect(onWall({ tags: ['case-study'], featuredOnly: true }, featured)).toBe(true);
    expect(onWall({ tags: ['b2b'], featuredOnly: true }, featured)).toBe(false);
  });

  it('the default wall is every publishable testimonial', () => {
    expect(defaultWall()).toMatchObject({ wallId: DEFAULT_WALL_ID, tags: [], featuredOnly: false, version: 0 });
  });
});

describe('wall order: wallOrder and the index’s wallSortKey agree', () => {
  const idChars = /^[A-Za-z0-9_-]{16}$/;
  const someInstants = ['2030-01-01T00:00:00.000Z', '2031-06-15T12:30:00.000Z', '2031-06-15T12:30:00.001Z', '2035-12-31T23:59:59.999Z'];
  // Ties are where orders disagree: most picks share a few values, and ids mix case and punctuation early.
  const arbitraryTestimonial = fc.record({
    testimonialId: fc.oneof(fc.stringMatching(idChars), fc.stringMatching(/^[aAzZ09_-]{2}[A-Za-z0-9_-]{14}$/)).map((id) => `ts_${id}`),
    featured: fc.boolean(),
    sortOrder: fc.oneof({ arbitrary: fc.constantFrom(0, 1, 9, 10, 99, 100, 999_999, MAX_SORT_ORDER), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: MAX_SORT_ORDER }), weight: 1 }),
    submittedAt: fc.oneof(
      { arbitrary: fc.constantFrom(...someInstants), weight: 3 },
      { arbitrary: fc.integer({ min: Date.parse('2000-01-01T00:00:00.000Z'), max: Date.parse('2200-01-01T00:00:00.000Z') }).map((ms) => new Date(ms).toISOString()), weight: 1 },
    ),
    rating: fc.integer({ min: 1, max: 5 }),
  });

  it('random testimonials sorted by wallOrder are sorted by wallSortKey compared as DynamoDB compares it (byte order)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryTestimonial, { selector: (t) => t.testimonialId, maxLength: 30 }), (picks) => {
        const testimonials = picks.map((pick) => testimonialOf({ ...pick, status: 'approved' }));
        const byOrder = [...testimonials].sort(wallOrder).map((t) => t.testimonialId);
        const byKey = [...testimonials].sort((a, b) => byCodeUnits(wallSortKey(a), wallSortKey(b))).map((t) => t.testimonialId);
        expect(byOrder).toEqual(byKey);
      }),
      { numRuns: 300 },
    );
  });

  it('breaks a full tie by id in byte order, as the index does, whatever the case or punctuation (no locale collation)', () => {
    const tie = { featured: false, sortOrder: 0, submittedAt: t0 };
    const lower = testimonialOf({ ...tie, testimonialId: 'ts_aAAAAAAAAAAAAAAA' });
    const upper = testimonialOf({ ...tie, testimonialId: 'ts_BAAAAAAAAAAAAAAA' });
    const dash = testimonialOf({ ...tie, testimonialId: 'ts_-AAAAAAAAAAAAAAA' });
    const underscore = testimonialOf({ ...tie, testimonialId: 'ts__AAAAAAAAAAAAAAA' });
    const expected = [dash, upper, underscore, lower].map((t) => t.testimonialId);
    expect([lower, underscore, upper, dash].sort(wallOrder).map((t) => t.testimonialId)).toEqual(expected);
    expect([lower, underscore, upper, dash].map(wallSortKey).sort(byCodeUnits).map((key) => key.slice(key.lastIndexOf('#') + 1))).toEqual(expected);
  });

  it('featured first, then sort order ascending (9 before 10), then newest first', () => {
    const old = testimonialOf({ testimonialId: 'ts_old', submittedAt: '2031-01-01T00:00:00.000Z' });
    const recent = testimonialOf({ testimonialId: 'ts_recent', submittedAt: '2032-01-01T00:00:00.000Z' });
    const nine = testimonialOf({ testimonialId: 'ts_nine', sortOrder: 9 });
    const ten = testimonialOf({ testimonialId: 'ts_ten', sortOrder: 10 });
    const star = testimonialOf({ testimonialId: 'ts_star', featured: true, sortOrder: MAX_SORT_ORDER, submittedAt: '2000-01-01T00:00:00.000Z' });
    const expected = ['ts_star', 'ts_recent', 'ts_old', 'ts_nine', 'ts_ten'];
    expect([ten, old, nine, star, recent].sort(wallOrder).map((t) => t.testimonialId)).toEqual(expected);
    expect([ten, old, nine, star, recent].sort((a, b) => byCodeUnits(wallSortKey(a), wallSortKey(b))).map((t) => t.testimonialId)).toEqual(expected);
  });
});

describe('a low rating is never held against a testimonial (FTC 16 CFR 465)', () => {
  it('no transition, wall filter, wall order or sort key depends on the rating', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...CONSENTS), fc.integer({ min: 1, max: 5 }), fc.boolean(), (status, consent, rating, featured) => {
        const low = testimonialOf({ status, consent, rating, featured, tags: ['b2b'] });
        const high = { ...low, rating: 5 };
        const kinds = (t: Testimonial) => [approve(t, 'ann', t0).kind, reject(t, 'why', 'ann', t0).kind, withdraw(t, 'customer', t0).kind, curate(t, { featured: !featured }).kind];
        expect(kinds(low)).toEqual(kinds(high));
        expect(isPublishable(low)).toBe(isPublishable(high));
        expect(onWall({ tags: ['b2b'], featuredOnly: featured }, low)).toBe(onWall({ tags: ['b2b'], featuredOnly: featured }, high));
        expect(wallSortKey(low)).toBe(wallSortKey(high));
        expect(wallOrder(low, { ...high, testimonialId: 'ts_other' })).toBe(wallOrder(high, { ...high, testimonialId: 'ts_other' }));
        expect({ ...wallEntry(low), rating: 5 }).toEqual(wallEntry(high));
      }),
    );
  });

  it('a 1-star testimonial is approved and shown like a 5-star one, newest first, with its rating', async () => {
    const w = world();
    const five = await submitted(w, 'cus_five', { rating: 5, text: 'Five stars' }, at(t0, 1000));
    const one = await submitted(w, 'cus_one', { rating: 1, text: 'One star: slow delivery' }, at(t0, 2000));
    expect((await approveTestimonial(w.store, one.testimonial.testimonialId, 'ann', at(t0, DAY_MS))).kind).toBe('changed');
    expect((await approveTestimonial(w.store, five.testimonial.testimonialId, 'ann', at(t0, DAY_MS))).kind).toBe('changed');
    const wall = await showWall(w.store, DEFAULT_WALL_ID);
    expect(wall?.entries.map((entry) => [entry.rating, entry.text])).toEqual([
      [1, 'One star: slow delivery'],
      [5, 'Five stars'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Settings

describe('settings', () => {
  const valid = { responseBaseUrl: 'https://api.example.com', triggers: { promoter: { enabled: true }, tierUpgrade: { enabled: false }, referralRewarded: { enabled: true } } };

  it('parses with the defaults (14-day links, 180-day candidate window)', () => {
    expect(testimonialSettingsInput.parse(valid)).toEqual({ ...valid, expiryDays: 14, candidateWindowDays: 180 });
    expect(testimonialSettingsInput.parse({ ...valid, responseBaseUrl: 'http://localhost:3000' }).responseBaseUrl).toBe('http://localhost:3000');
  });

  it.each([
    ['plain http off localhost', { ...valid, responseBaseUrl: 'http://api.example.com' }],
    ['a non-http scheme', { ...valid, responseBaseUrl: 'javascript:alert(1)' }],
    ['a query', { ...valid, responseBaseUrl: 'https://api.example.com/?a=1' }],
    ['a fragment', { ...valid, responseBaseUrl: 'https://api.example.com/#x' }],
    ['a zero-day link', { ...valid, expiryDays: 0 }],
    ['a 91-day link', { ...valid, expiryDays: 91 }],
    ['a fractional window', { ...valid, candidateWindowDays: 1.5 }],
    ['an unknown field', { ...valid, throttleDays: 3 }],
    ['an unknown trigger', { ...valid, triggers: { ...valid.triggers, birthday: { enabled: true } } }],
  ])('refuses %s', (_name, input) => {
    expect(testimonialSettingsInput.safeParse(input).success).toBe(false);
  });

  it('saves versioned, and refuses a save that lost a race', async () => {
    const store = new MemoryStore();
    const input = testimonialSettingsInput.parse(valid);
    const first = await saveTestimonialSettings(store, input, 'ann', t0);
    expect(first).toEqual({ kind: 'saved', settings: { ...input, version: 1, updatedAt: t0, updatedBy: 'ann' } });
    expect((await saveTestimonialSettings(store, { ...input, expiryDays: 30 }, 'bob', at(t0, 1))).kind).toBe('saved');
    expect(store.settings?.version).toBe(2);
    const racing = store.saveSettings.bind(store);
    store.saveSettings = async (settings, previous) => {
      await racing({ ...settings, updatedBy: 'someone else' }, previous);
      return racing(settings, previous);
    };
    expect(await saveTestimonialSettings(store, input, 'cy', at(t0, 2))).toEqual({ kind: 'conflict' });
    expect(store.settings?.updatedBy).toBe('someone else');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Asking

describe('ask: within the contact budget', () => {
  it('claims the budget under the request’s id before creating the request, then announces its link once', async () => {
    const w = world();
    const requestId = newRequestId();
    const result = await ask(w.deps, { requestId, customerId: 'cus_1', trigger: 'manual', email: 'ada@example.com' }, settingsOf({ expiryDays: 7 }), t0);
    expect(w.log).toEqual([`claim:${requestId}`, `commit:${requestId}`]);
    expect(w.contacts.claims).toEqual([{ customerId: 'cus_1', contactId: requestId, at: t0 }]);
    if (result.kind !== 'requested') throw new Error(result.kind);
    expect(result.request).toEqual({
      requestId,
      customerId: 'cus_1',
      trigger: 'manual',
      status: 'requested',
      createdAt: t0,
      expiresAt: at(t0, 7 * DAY_MS),
      tokenHash: expect.any(String),
      uses: 0,
      email: 'ada@example.com',
      version: 1,
    });
    expect(w.store.requests.get(requestId)).toEqual(result.request);
    const token = tokenOf(result.link);
    expect(result.link).toBe(`https://api.example.com/t/${token}`);
    expect(token).not.toContain(result.request.tokenHash);
    expect(await openLink(w.store, token, t0)).toEqual({ kind: 'open', request: result.request });
    expect(w.store.events).toEqual([
      {
        owner: `REQUEST#${requestId}`,
        announcement: {
          event: 'TestimonialRequested',
          key: 'requested',
          at: t0,
          data: { requestId, customerId: 'cus_1', trigger: 'manual', link: result.link, expiresAt: at(t0, 7 * DAY_MS), email: 'ada@example.com' },
        },
      },
    ]);
  });

  it('creates nothing, and announces nothing, when the budget is spent (throttled)', async () => {
    const w = world();
    w.contacts.budgets.set('cus_1', { lastContactId: 'sv_recent', lastContactAt: at(t0, -DAY_MS) });
    const result = await ask(w.deps, { requestId: newRequestId(), customerId: 'cus_1', trigger: 'manual' }, settingsOf(), t0);
    expect(result).toEqual({ kind: 'throttled', reason: expect.stringContaining('asked on') });
    expect(w.store.calls.commit).toBe(0);
    expect(w.store.requests.size).toBe(0);
    expect(w.store.events).toEqual([]);
  });

  it('creates nothing for a detractor, and says so', async () => {
    const w = world();
    w.contacts.detractors.set('cus_1', at(t0, -DAY_MS));
    const result = await ask(w.deps, { requestId: newRequestId(), customerId: 'cus_1', trigger: 'manual' }, settingsOf(), t0);
    expect(result).toEqual({ kind: 'detractor', reason: expect.stringContaining('detractor') });
    expect(w.store.calls.commit).toBe(0);
    expect(w.store.requests.size).toBe(0);
    expect(w.store.events).toEqual([]);
  });

  it('creates nothing when the budget cannot be asked (the facade fails)', async () => {
    const w = world();
    w.contacts.claimContact = async () => {
      throw new Error('feedback facade unavailable');
    };
    await expect(ask(w.deps, { requestId: newRequestId(), customerId: 'cus_1', trigger: 'manual' }, settingsOf(), t0)).rejects.toThrow('unavailable');
    expect(w.store.calls.commit).toBe(0);
  });

  it('a crash between claim and create, then the redelivered trigger: exactly one request, claimed twice under the same contact id, the budget spent once', async () => {
    const w = world();
    w.contacts.budgets.set('cus_1', { lastContactId: 'sv_survey', lastContactAt: at(t0, -3600_000) });
    const answer = { surveyRequestId: 'sv_survey', customerId: 'cus_1' };
    w.store.crashNextCommit = true;
    await expect(askAfterPromoter(w.deps, answer, t0)).rejects.toThrow('crashed');
    expect(w.store.requests.size).toBe(0);
    expect(w.store.events).toEqual([]);

    const redelivered = await askAfterPromoter(w.deps, answer, at(t0, 60_000));
    expect(redelivered.kind).toBe('requested');
    const requestId = triggeredRequestId('promoter:sv_survey');
    expect(w.contacts.claims.map((claim) => [claim.contactId, claim.followUpOf])).toEqual([
      [requestId, 'sv_survey'],
      [requestId, 'sv_survey'],
    ]);
    expect([...w.store.requests.keys()]).toEqual([requestId]);
    expect(eventsNamed(w.store, 'TestimonialRequested')).toHaveLength(1);
    // The follow-up slot holds this request; the window still belongs to the survey.
    expect(w.contacts.budgets.get('cus_1')).toEqual({ lastContactId: 'sv_survey', lastContactAt: at(t0, -3600_000), followUpId: requestId });

    const again = await askAfterPromoter(w.deps, answer, at(t0, 120_000));
    expect(again).toEqual({ kind: 'exists', request: w.store.requests.get(requestId) });
    expect(w.contacts.claims).toHaveLength(2);
  });

  it('two concurrent asks for the same trigger: one requested, one exists, one request and one announcement', async () => {
    const w = world();
    const bothRead = barrier(2);
    w.store.beforeCommit = () => bothRead();
    const change = { eventId: 'ev_tier_1', customerId: 'cus_1', direction: 'up' as const };
    const results = await Promise.all([askAfterTierUpgrade(w.deps, change, t0), askAfterTierUpgrade(w.deps, change, t0)]);
    expect(results.map((result) => result.kind).sort()).toEqual(['exists', 'requested']);
    expect(w.store.calls.commit).toBe(2);
    expect(w.store.requests.size).toBe(1);
    expect(eventsNamed(w.store, 'TestimonialRequested')).toHaveLength(1);
    const requested = results.find((result) => result.kind === 'requested');
    const exists = results.find((result) => result.kind === 'exists');
    // The loser reports the winner's request: the link that was announced is the one that works.
    if (requested?.kind !== 'requested' || exists?.kind !== 'exists') throw new Error('unexpected');
    expect(exists.request).toEqual(requested.request);
    expect((await openLink(w.store, tokenOf(requested.link), t0)).kind).toBe('open');
    expect(new Set(w.contacts.claims.map((claim) => claim.contactId))).toEqual(new Set([triggeredRequestId('tier:ev_tier_1')]));
  });

  it('triggers: off when disabled or unconfigured, a tier going down never asks, each kind names its own request', async () => {
    const w = world();
    expect(await askAfterTierUpgrade(w.deps, { eventId: 'e1', customerId: 'cus_1', direction: 'down' }, t0)).toEqual({ kind: 'off' });
    w.store.settings = settingsOf({ triggers: { promoter: { enabled: false }, tierUpgrade: { enabled: false }, referralRewarded: { enabled: false } } });
    expect(await askAfterPromoter(w.deps, { surveyRequestId: 's', customerId: 'cus_1' }, t0)).toEqual({ kind: 'off' });
    expect(await askAfterTierUpgrade(w.deps, { eventId: 'e1', customerId: 'cus_1', direction: 'up' }, t0)).toEqual({ kind: 'off' });
    expect(await askAfterReferralRewarded(w.deps, { referralId: 'r1', advocateCustomerId: 'cus_1' }, t0)).toEqual({ kind: 'off' });
    w.store.settings = undefined;
    expect(await askAfterReferralRewarded(w.deps, { referralId: 'r1', advocateCustomerId: 'cus_1' }, t0)).toEqual({ kind: 'off' });
    expect(w.contacts.claims).toEqual([]);

    w.store.settings = settingsOf();
    const referral = await askAfterReferralRewarded(w.deps, { referralId: 'x', advocateCustomerId: 'cus_2' }, t0);
    const tier = await askAfterTierUpgrade(w.deps, { eventId: 'x', customerId: 'cus_3', direction: 'up' }, t0);
    expect(referral).toMatchObject({ kind: 'requested', request: { requestId: triggeredRequestId('referral:x'), trigger: 'referral_rewarded', customerId: 'cus_2' } });
    expect(tier).toMatchObject({ kind: 'requested', request: { requestId: triggeredRequestId('tier:x'), trigger: 'tier_upgrade', customerId: 'cus_3' } });
    expect(w.contacts.claims.map((claim) => claim.followUpOf)).toEqual([undefined, undefined]);
  });

  it('askManually: not configured without settings; otherwise one outcome per customer, each under a fresh id', async () => {
    const w = world();
    w.store.settings = undefined;
    expect(await askManually(w.deps, [{ customerId: 'cus_1' }], t0)).toEqual({ kind: 'not-configured' });
    w.store.settings = settingsOf();
    w.contacts.budgets.set('cus_busy', { lastContactId: 'sv_1', lastContactAt: t0 });
    w.contacts.detractors.set('cus_unhappy', t0);
    const result = await askManually(w.deps, [{ customerId: 'cus_new', email: 'n@example.com' }, { customerId: 'cus_busy' }, { customerId: 'cus_unhappy' }, { customerId: 'cus_new' }], t0);
    if (result.kind !== 'asked') throw new Error(result.kind);
    expect(result.outcomes.map((outcome) => [outcome.customerId, outcome.status])).toEqual([
      ['cus_new', 'requested'],
      ['cus_busy', 'throttled'],
      ['cus_unhappy', 'refused'],
      ['cus_new', 'throttled'],
    ]);
    expect(w.store.requests.size).toBe(1);
    expect(new Set(w.contacts.claims.map((claim) => claim.contactId)).size).toBe(4);
    expect([...w.store.requests.values()][0]?.email).toBe('n@example.com');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Submitting

describe('submitTestimonial: once per link', () => {
  it('creates a pending testimonial with what the customer wrote, trimmed, and uses the link in the same commit', async () => {
    const w = world();
    const { token, request } = await asked(w, 'cus_1');
    const now = at(t0, 3600_000);
    const result = await submitTestimonial(
      w.store,
      { token, rating: 4, text: '  Fast and friendly.\n ', displayName: '  Ada  ', title: '   ', company: ' Engines Ltd ', avatarUrl: 'https://cdn.example.com/a.png', consent: 'anonymous' },
      now,
    );
    if (result.kind !== 'submitted') throw new Error(result.kind);
    expect(result.testimonial).toEqual({
      testimonialId: expect.stringMatching(/^ts_[A-Za-z0-9_-]{16}$/),
      requestId: request.requestId,
      customerId: 'cus_1',
      rating: 4,
      text: 'Fast and friendly.',
      displayName: 'Ada',
      company: 'Engines Ltd',
      avatarUrl: 'https://cdn.example.com/a.png',
      consent: 'anonymous',
      consentVersion: CURRENT_CONSENT_VERSION,
      status: 'pending',
      submittedAt: now,
      moderation: [],
      tags: [],
      featured: false,
      sortOrder: 0,
      version: 1,
    });
    expect(result.testimonial).not.toHaveProperty('title');
    expect(w.store.testimonials.get(result.testimonial.testimonialId)).toEqual(result.testimonial);
    expect(w.store.requests.get(request.requestId)).toEqual({ ...request, status: 'submitted', uses: 1, testimonialId: result.testimonial.testimonialId, version: 2 });
    expect(eventsNamed(w.store, 'TestimonialSubmitted')).toEqual([
      { event: 'TestimonialSubmitted', key: 'submitted', at: now, data: { testimonialId: result.testimonial.testimonialId, requestId: request.requestId, customerId: 'cus_1', consent: 'anonymous', submittedAt: now } },
    ]);
  });

  it('refuses a second submission with the same link, creating nothing more', async () => {
    const w = world();
    const { token } = await submitted(w, 'cus_1');
    expect(await submitTestimonial(w.store, submissionOf(token, { text: 'second thoughts' }), at(t0, 7200_000))).toEqual({ kind: 'used' });
    expect(w.store.testimonials.size).toBe(1);
    expect(eventsNamed(w.store, 'TestimonialSubmitted')).toHaveLength(1);
  });

  it('two concurrent submissions with one link: one submitted, one used, one testimonial', async () => {
    const w = world();
    const { token } = await asked(w, 'cus_1');
    const bothRead = barrier(2);
    w.store.beforeCommit = () => bothRead();
    const results = await Promise.all([submitTestimonial(w.store, submissionOf(token, { text: 'one' }), t0), submitTestimonial(w.store, submissionOf(token, { text: 'two' }), t0)]);
    w.store.beforeCommit = undefined;
    expect(results.map((result) => result.kind).sort()).toEqual(['submitted', 'used']);
    expect(w.store.testimonials.size).toBe(1);
    expect([...w.store.requests.values()][0]).toMatchObject({ status: 'submitted', uses: 1 });
  });

  it.each([0, 2, -1, 1.5, Number.NaN])('refuses the unknown consent version %p before reading anything', async (consentVersion) => {
    const w = world();
    const { token } = await asked(w, 'cus_1');
    const reads = w.store.calls.getRequest;
    expect(await submitTestimonial(w.store, submissionOf(token, { consentVersion }), t0)).toEqual({ kind: 'unknown-consent-version', current: CURRENT_CONSENT_VERSION });
    expect(w.store.calls.getRequest).toBe(reads);
    expect(w.store.testimonials.size).toBe(0);
    expect((await openLink(w.store, token, t0)).kind).toBe('open');
  });

  it('records the consent version given, or the current one when none is', async () => {
    const w = world();
    expect((await submitted(w, 'cus_1', { consentVersion: CURRENT_CONSENT_VERSION })).testimonial.consentVersion).toBe(CURRENT_CONSENT_VERSION);
    expect((await submitted(w, 'cus_2')).testimonial.consentVersion).toBe(CURRENT_CONSENT_VERSION);
  });

  it('reads forged, borrowed and malformed tokens as not found', async () => {
    const w = world();
    const mine = await asked(w, 'cus_1');
    const theirs = await asked(w, 'cus_2');
    const mySecret = parseToken(mine.token)?.secret as string;
    const theirSecret = parseToken(theirs.token)?.secret as string;
    const forged = [
      `${mine.request.requestId}.${randomBytes(32).toString('base64url')}`,
      `${mine.request.requestId}.${theirSecret}`,
      `${theirs.request.requestId}.${mySecret}`,
      `${mine.request.requestId}.${mine.request.tokenHash}`,
      `${newRequestId()}.${mySecret}`,
      mine.token.slice(0, -1),
      `${mine.token}x`,
      '',
    ];
    for (const token of forged) {
      expect(await openLink(w.store, token, t0)).toEqual({ kind: 'not-found' });
      expect(await submitTestimonial(w.store, submissionOf(token), t0)).toEqual({ kind: 'not-found' });
    }
    expect(w.store.testimonials.size).toBe(0);
  });

  it('refuses an expired link from exactly its expiry instant', async () => {
    const w = world();
    const { token, request } = await asked(w, 'cus_1');
    expect(await submitTestimonial(w.store, submissionOf(token), request.expiresAt)).toEqual({ kind: 'expired' });
    expect((await submitTestimonial(w.store, submissionOf(token), at(request.expiresAt, -1))).kind).toBe('submitted');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The link: regenerate, revoke

describe('regenerateLink and revokeRequest', () => {
  it('regenerating makes the old token not found at once, announces the new link under a distinct key, and restarts the expiry', async () => {
    const w = world();
    const { token: old, request } = await asked(w, 'cus_1');
    const later = at(t0, 10 * DAY_MS);
    const result = await regenerateLink(w.store, request.requestId, later);
    if (result.kind !== 'changed' || !result.link) throw new Error(result.kind);
    const fresh = tokenOf(result.link);
    expect(fresh).not.toBe(old);
    expect(result.request).toEqual({ ...request, tokenHash: expect.any(String), expiresAt: at(later, 14 * DAY_MS), regeneratedAt: later, version: 2 });
    expect(result.request.tokenHash).not.toBe(request.tokenHash);
    expect(await openLink(w.store, old, later)).toEqual({ kind: 'not-found' });
    expect(await submitTestimonial(w.store, submissionOf(old), later)).toEqual({ kind: 'not-found' });
    expect((await openLink(w.store, fresh, at(t0, 20 * DAY_MS))).kind).toBe('open');

    const again = await regenerateLink(w.store, request.requestId, later);
    const announced = eventsNamed(w.store, 'TestimonialRequested');
    expect(announced.map((announcement) => announcement.key)).toEqual(['requested', 'regenerated:2', 'regenerated:3']);
    expect(announced.map((announcement) => announcement.data.link)).toEqual([expect.any(String), result.link, again.kind === 'changed' ? again.link : undefined]);
    expect(new Set(announced.map((announcement) => announcement.data.link)).size).toBe(3);
    expect(await openLink(w.store, fresh, later)).toEqual({ kind: 'not-found' });
  });

  it('regenerating reopens an expired link', async () => {
    const w = world();
    const { request } = await asked(w, 'cus_1');
    const late = at(request.expiresAt, DAY_MS);
    const result = await regenerateLink(w.store, request.requestId, late);
    if (result.kind !== 'changed' || !result.link) throw new Error(result.kind);
    expect((await submitTestimonial(w.store, submissionOf(tokenOf(result.link)), late)).kind).toBe('submitted');
  });

  it('regenerating refuses a used, a revoked or an unknown request, and needs settings', async () => {
    const w = world();
    const { request: used } = await submitted(w, 'cus_1');
    const { request: open } = await asked(w, 'cus_2');
    expect(await regenerateLink(w.store, used.requestId, t0)).toEqual({ kind: 'submitted' });
    expect(await regenerateLink(w.store, newRequestId(), t0)).toEqual({ kind: 'not-found' });
    await revokeRequest(w.store, open.requestId, t0);
    expect(await regenerateLink(w.store, open.requestId, t0)).toEqual({ kind: 'revoked' });
    w.store.settings = undefined;
    expect(await regenerateLink(w.store, open.requestId, t0)).toEqual({ kind: 'not-configured' });
  });

  it('revoking closes the link for submitting, and revoking again writes nothing', async () => {
    const w = world();
    const { token, request } = await asked(w, 'cus_1');
    const when = at(t0, DAY_MS);
    const result = await revokeRequest(w.store, request.requestId, when);
    expect(result).toEqual({ kind: 'changed', request: { ...request, status: 'revoked', revokedAt: when, version: 2 } });
    expect((await openLink(w.store, token, when)).kind).toBe('revoked');
    expect(await submitTestimonial(w.store, submissionOf(token), when)).toEqual({ kind: 'revoked' });
    const commits = w.store.calls.commit;
    expect(await revokeRequest(w.store, request.requestId, at(when, DAY_MS))).toEqual(result);
    expect(w.store.calls.commit).toBe(commits);
    expect(await revokeRequest(w.store, newRequestId(), when)).toEqual({ kind: 'not-found' });
  });

  it('refuses to revoke a submitted request, leaving it and its testimonial as they were', async () => {
    const w = world();
    const { request, testimonial, token } = await submitted(w, 'cus_1');
    const before = w.store.requests.get(request.requestId);
    expect(await revokeRequest(w.store, request.requestId, t0)).toEqual({ kind: 'submitted' });
    expect(w.store.requests.get(request.requestId)).toEqual(before);
    expect(w.store.testimonials.get(testimonial.testimonialId)?.status).toBe('pending');
    // The author can still withdraw with the link.
    expect((await withdrawByLink(w.store, token, t0)).kind).toBe('changed');
  });

  it('revoking retries after a concurrent change and does not lose it', async () => {
    const w = world();
    const { request } = await asked(w, 'cus_1');
    let once = true;
    w.store.beforeCommit = () => {
      if (!once) return;
      once = false;
      const current = w.store.requests.get(request.requestId) as TestimonialRequest;
      w.store.requests.set(request.requestId, { ...current, email: 'late@example.com', version: current.version + 1 });
    };
    const result = await revokeRequest(w.store, request.requestId, t0);
    expect(result).toMatchObject({ kind: 'changed', request: { status: 'revoked', email: 'late@example.com', version: 3 } });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Moderation and withdrawal, through the store

describe('moderation and withdrawal use cases', () => {
  it('approve and reject record who, when and why, and announce under a key per version', async () => {
    const w = world();
    const { testimonial } = await submitted(w, 'cus_1');
    const id = testimonial.testimonialId;
    expect(await approveTestimonial(w.store, id, 'ann', at(t0, DAY_MS))).toMatchObject({ kind: 'changed', testimonial: { status: 'approved', version: 2 } });
    expect(await approveTestimonial(w.store, id, 'ann', at(t0, DAY_MS))).toMatchObject({ kind: 'unchanged' });
    expect(await rejectTestimonial(w.store, id, 'contains a phone number', 'bob', at(t0, 2 * DAY_MS))).toMatchObject({ kind: 'changed', testimonial: { status: 'rejected', version: 3 } });
    expect(await approveTestimonial(w.store, id, 'cy', at(t0, 3 * DAY_MS))).toMatchObject({ kind: 'changed', testimonial: { status: 'approved', version: 4 } });
    expect(w.store.testimonials.get(id)?.moderation).toEqual([
      { decision: 'approved', by: 'ann', at: at(t0, DAY_MS) },
      { decision: 'rejected', by: 'bob', at: at(t0, 2 * DAY_MS), reason: 'contains a phone number' },
      { decision: 'approved', by: 'cy', at: at(t0, 3 * DAY_MS) },
    ]);
    const moderated = w.store.events.filter((entry) => entry.owner === `TESTIMONIAL#${id}` && entry.announcement.event !== 'TestimonialSubmitted').map((entry) => entry.announcement.key);
    expect(moderated).toEqual(['approved:2', 'rejected:3', 'approved:4']);
    expect(eventsNamed(w.store, 'TestimonialRejected')[0]?.data).toEqual({ testimonialId: id, customerId: 'cus_1', reason: 'contains a phone number', rejectedBy: 'bob', rejectedAt: at(t0, 2 * DAY_MS) });
    expect(await approveTestimonial(w.store, 'ts_unknown', 'ann', t0)).toEqual({ kind: 'not-found' });
  });

  it('an approval racing a curation keeps both (the conflict is retried on a fresh read)', async () => {
    const w = world();
    const { testimonial } = await submitted(w, 'cus_1');
    let once = true;
    w.store.beforeCommit = async () => {
      if (!once) return;
      once = false;
      await curateTestimonial(w.store, testimonial.testimonialId, { tags: ['Case-Study'], featured: true });
    };
    const result = await approveTestimonial(w.store, testimonial.testimonialId, 'ann', t0);
    expect(result).toMatchObject({ kind: 'changed', testimonial: { status: 'approved', tags: ['case-study'], featured: true, version: 3 } });
    expect(w.store.testimonials.get(testimonial.testimonialId)).toMatchObject({ status: 'approved', tags: ['case-study'], featured: true, version: 3 });
  });

  it('curating writes nothing when nothing changes', async () => {
    const w = world();
    const { testimonial } = await submitted(w, 'cus_1');
    expect((await curateTestimonial(w.store, testimonial.testimonialId, { tags: ['b2b'] })).kind).toBe('changed');
    const commits = w.store.calls.commit;
    expect((await curateTestimonial(w.store, testimonial.testimonialId, { tags: ['B2B'], featured: false, sortOrder: 0 })).kind).toBe('unchanged');
    expect(w.store.calls.commit).toBe(commits);
  });

  it('withdrawByCustomer refuses another customer’s testimonial as not found, changing nothing', async () => {
    const w = world();
    const { testimonial } = await submitted(w, 'cus_1');
    await approveTestimonial(w.store, testimonial.testimonialId, 'ann', t0);
    const before = w.store.testimonials.get(testimonial.testimonialId);
    expect(await withdrawByCustomer(w.store, 'cus_2', testimonial.testimonialId, t0)).toEqual({ kind: 'not-found' });
    expect(await withdrawByCustomer(w.store, 'cus_1', 'ts_unknown', t0)).toEqual({ kind: 'not-found' });
    expect(w.store.testimonials.get(testimonial.testimonialId)).toEqual(before);
    expect(eventsNamed(w.store, 'TestimonialWithdrawn')).toEqual([]);
  });

  it('withdrawByCustomer withdraws one’s own, once: the second time is unchanged and announces nothing', async () => {
    const w = world();
    const { testimonial } = await submitted(w, 'cus_1');
    await approveTestimonial(w.store, testimonial.testimonialId, 'ann', t0);
    const when = at(t0, DAY_MS);
    expect(await withdrawByCustomer(w.store, 'cus_1', testimonial.testimonialId, when)).toMatchObject({ kind: 'changed', testimonial: { status: 'withdrawn', withdrawnBy: 'customer', withdrawnAt: when } });
    expect(await withdrawByCustomer(w.store, 'cus_1', testimonial.testimonialId, at(when, 1))).toMatchObject({ kind: 'unchanged', testimonial: { withdrawnAt: when } });
    expect(eventsNamed(w.store, 'TestimonialWithdrawn')).toEqual([{ event: 'TestimonialWithdrawn', key: 'withdrawn', at: when, data: { testimonialId: testimonial.testimonialId, customerId: 'cus_1', by: 'customer', withdrawnAt: when } }]);
    expect(await approveTestimonial(w.store, testimonial.testimonialId, 'ann', at(when, 2))).toEqual({ kind: 'withdrawn' });
    expect(await curateTestimonial(w.store, testimonial.testimonialId, { featured: true })).toEqual({ kind: 'withdrawn' });
    expect((await showWall(w.store, DEFAULT_WALL_ID))?.entries).toEqual([]);
  });

  it('withdrawByLink works after submission, even once the link expired, and never for an unused, forged or unknown link', async () => {
    const w = world();
    const { testimonial, token, request } = await submitted(w, 'cus_1');
    await approveTestimonial(w.store, testimonial.testimonialId, 'ann', t0);
    const { token: unused } = await asked(w, 'cus_2');
    expect(await withdrawByLink(w.store, unused, t0)).toEqual({ kind: 'not-found' });
    expect(await withdrawByLink(w.store, `${request.requestId}.${randomBytes(32).toString('base64url')}`, t0)).toEqual({ kind: 'not-found' });
    expect(await withdrawByLink(w.store, 'garbage', t0)).toEqual({ kind: 'not-found' });
    const late = at(request.expiresAt, 100 * DAY_MS);
    expect(await withdrawByLink(w.store, token, late)).toMatchObject({ kind: 'changed', testimonial: { status: 'withdrawn', withdrawnBy: 'link', withdrawnAt: late } });
    expect((await withdrawByLink(w.store, token, late)).kind).toBe('unchanged');
    expect(eventsNamed(w.store, 'TestimonialWithdrawn')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Walls, through the store

describe('showWall and saveWall', () => {
  let serial = 0;
  const seed = (store: MemoryStore, patch: Partial<Testimonial>): Testimonial => {
    serial += 1;
    return store.seedTestimonial(testimonialOf({ testimonialId: `ts_${String(serial).padStart(16, '0')}`, status: 'approved', submittedAt: at(t0, serial * 1000), ...patch }));
  };

  it('shows only approved, publishable testimonials (never private, withdrawn, pending or rejected), anonymous ones nameless, in wall order', async () => {
    const store = new MemoryStore();
    const shown = [seed(store, { consent: 'public' }), seed(store, { consent: 'anonymous', displayName: 'Hidden Person' }), seed(store, { consent: 'public', featured: true, submittedAt: '2020-01-01T00:00:00.000Z' })];
    for (const status of ['pending', 'rejected', 'withdrawn'] as const) for (const consent of CONSENTS) seed(store, { status, consent, featured: true });
    seed(store, { consent: 'private', featured: true, displayName: 'Private Person' });
    const result = await showWall(store, DEFAULT_WALL_ID);
    expect(result?.wall).toEqual(defaultWall());
    expect(result?.entries).toEqual([...shown].sort(wallOrder).map(wallEntry));
    expect(result?.entries.map((entry) => entry.displayName)).toEqual(['Ada Lovelace', null, 'Ada Lovelace']);
    expect(JSON.stringify(result)).not.toContain('Hidden Person');
    expect(JSON.stringify(result)).not.toContain('Private Person');
  });

  it('respects a saved wall’s limit, tags and featured-only', async () => {
    const store = new MemoryStore();
    const wanted = [seed(store, { tags: ['case-study'], featured: true }), seed(store, { tags: ['b2b', 'case-study'], featured: true }), seed(store, { tags: ['case-study'], featured: true, sortOrder: 5 })];
    seed(store, { tags: ['case-study'], featured: true, consent: 'private' });
    seed(store, { tags: ['case-study'], featured: true, status: 'withdrawn' });
    seed(store, { tags: ['case-study'], featured: false });
    seed(store, { tags: ['b2b'], featured: true });
    seed(store, { tags: ['case-study'], featured: true, sortOrder: 9 });
    expect(await saveWall(store, 'stories', { name: '  Stories ', tags: ['Case-Study'], featuredOnly: true, limit: 3 }, 'ann', t0)).toEqual({
      kind: 'saved',
      wall: { wallId: 'stories', name: 'Stories', tags: ['case-study'], featuredOnly: true, limit: 3, updatedAt: t0, updatedBy: 'ann', version: 1 },
    });
    const result = await showWall(store, 'stories');
    expect(result?.entries.map((entry) => entry.testimonialId)).toEqual([...wanted].sort(wallOrder).map((t) => t.testimonialId));
  });

  it('stops reading when the limit is reached, and keeps paging past what the wall’s tags leave out', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 250; i++) seed(store, { tags: ['b2b'], submittedAt: at(t0, (1000 - i) * 1000) });
    const rare = [seed(store, { tags: ['rare'], submittedAt: at(t0, -3000) }), seed(store, { tags: ['rare'], submittedAt: at(t0, -4000) })];
    await saveWall(store, DEFAULT_WALL_ID, { name: 'All', tags: [], featuredOnly: false, limit: 10 }, 'ann', t0);
    expect((await showWall(store, DEFAULT_WALL_ID))?.entries).toHaveLength(10);
    expect(store.calls.publishedPage).toBe(1);
    await saveWall(store, 'rare', { name: 'Rare', tags: ['rare'], featuredOnly: false, limit: 100 }, 'ann', t0);
    store.calls.publishedPage = 0;
    expect((await showWall(store, 'rare'))?.entries.map((entry) => entry.testimonialId)).toEqual(rare.map((t) => t.testimonialId));
    expect(store.calls.publishedPage).toBe(3);
  });

  it('an unknown wall is not found; the default wall exists without being saved', async () => {
    const store = new MemoryStore();
    expect(await showWall(store, 'nope')).toBeUndefined();
    expect((await showWall(store, DEFAULT_WALL_ID))?.wall.wallId).toBe(DEFAULT_WALL_ID);
  });

  it('refuses to narrow the default wall, but renames and limits it', async () => {
    const store = new MemoryStore();
    expect(await saveWall(store, DEFAULT_WALL_ID, { name: 'x', tags: ['b2b'], featuredOnly: false, limit: 10 }, 'ann', t0)).toEqual({ kind: 'default-is-everything' });
    expect(await saveWall(store, DEFAULT_WALL_ID, { name: 'x', tags: [], featuredOnly: true, limit: 10 }, 'ann', t0)).toEqual({ kind: 'default-is-everything' });
    expect(store.calls.saveWall).toBe(0);
    expect(await saveWall(store, DEFAULT_WALL_ID, { name: 'Reviews', tags: [], featuredOnly: false, limit: 12 }, 'ann', t0)).toMatchObject({ kind: 'saved', wall: { name: 'Reviews', limit: 12, tags: [], featuredOnly: false, version: 1 } });
    expect(await saveWall(store, DEFAULT_WALL_ID, { name: 'Reviews', tags: [], featuredOnly: false, limit: 13 }, 'ann', t0)).toMatchObject({ kind: 'saved', wall: { version: 2 } });
  });

  it('a wall save that lost a race is a conflict', async () => {
    const store = new MemoryStore();
    await saveWall(store, 'w', { name: 'W', tags: [], featuredOnly: false, limit: 5 }, 'ann', t0);
    store.beforeSaveWall = () => {
      store.beforeSaveWall = undefined;
      const current = store.walls.get('w') as Wall;
      store.walls.set('w', { ...current, name: 'theirs', version: current.version + 1 });
    };
    expect(await saveWall(store, 'w', { name: 'mine', tags: [], featuredOnly: false, limit: 5 }, 'bob', t0)).toEqual({ kind: 'conflict' });
    expect(store.walls.get('w')?.name).toBe('theirs');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Case-study candidates

describe('case-study candidates through the store', () => {
  const WINDOW = 180;
  const advocate = (customerId: string, patch: Partial<AdvocacyProfile> = {}): AdvocacyProfile => ({
    customerId,
    promoterAnswers: 1,
    lastPromoterAt: at(t0, -400 * DAY_MS),
    spendMinor: {},
    refundedMinor: {},
    orders: 0,
    referralsRewarded: 0,
    testimonials: { approvedPublic: 0, approvedAnonymous: 0 },
    ...patch,
  });
  const storedOf = (profile: AdvocacyProfile, version = 1): StoredProfile => ({ profile, score: scoreCandidate(profile, WINDOW), updatedAt: t0, version });
  const nobody = (customerId: string): AdvocacyProfile => advocate(customerId, { promoterAnswers: 0, lastPromoterAt: undefined, spendMinor: { EUR: 500_000 }, orders: 3 });

  it('listCandidates skips the customers excluded now and keeps paging to fill the page, attaching case studies', async () => {
    const store = new MemoryStore();
    // Spend sets the rank (cus_0 highest, 10 points down to 1); cus_0-cus_4 had a refund a day ago.
    for (let i = 0; i < 10; i++) {
      const profile = advocate(`cus_${i}`, { spendMinor: { EUR: (10 - i) * 10_000 }, orders: 1, ...(i < 5 ? { lastRefundAt: at(t0, -DAY_MS) } : {}) });
      store.profiles.set(`cus_${i}`, storedOf(profile));
    }
    store.profiles.set('cus_plain', storedOf(nobody('cus_plain')));
    store.caseStudies.set('cus_6', { customerId: 'cus_6', stage: 'contacted', notes: [], updatedAt: t0, updatedBy: 'ann', version: 1 });
    const page = await listCandidates(store, 3, undefined, t0);
    expect(page.items.map((item) => item.profile.profile.customerId)).toEqual(['cus_5', 'cus_6', 'cus_7']);
    expect(page.items[1]?.caseStudy?.stage).toBe('contacted');
    expect(page.items[0]).not.toHaveProperty('caseStudy');
    expect(store.calls.candidatesPage).toBeGreaterThan(1);
    expect(page.cursor).toBeDefined();
    const rest = await listCandidates(store, 3, page.cursor, t0);
    expect(rest.items.map((item) => item.profile.profile.customerId)).toEqual(['cus_8', 'cus_9']);
    // Once the window is over, the refunded customers are back, in score order.
    const later = await listCandidates(store, 20, undefined, at(t0, (WINDOW + 1) * DAY_MS));
    expect(later.items.map((item) => item.profile.profile.customerId)).toEqual(['cus_0', 'cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5', 'cus_6', 'cus_7', 'cus_8', 'cus_9']);
  });

  it('moveCandidate refuses a customer who is not eligible (or unknown), writing nothing', async () => {
    const store = new MemoryStore();
    store.profiles.set('cus_plain', storedOf(nobody('cus_plain')));
    expect(store.profiles.get('cus_plain')?.score.eligible).toBe(false);
    expect(await moveCandidate(store, 'cus_plain', 'contacted', 'ann', t0)).toEqual({ kind: 'not-a-candidate' });
    expect(await moveCandidate(store, 'cus_unknown', 'contacted', 'ann', t0)).toEqual({ kind: 'not-a-candidate' });
    expect(await noteCandidate(store, 'cus_plain', 'call them', 'ann', t0)).toEqual({ kind: 'not-a-candidate' });
    expect(store.calls.commitCaseStudy).toBe(0);
  });

  it('moveCandidate starts the case study, moves it and announces each move; an invalid move is refused', async () => {
    const store = new MemoryStore();
    store.profiles.set('cus_1', storedOf(advocate('cus_1')));
    const moved = await moveCandidate(store, 'cus_1', 'contacted', 'ann', t0, 'emailed');
    expect(moved).toMatchObject({ kind: 'moved', caseStudy: { customerId: 'cus_1', stage: 'contacted', version: 1, notes: [{ at: t0, by: 'ann', text: 'emailed', from: 'candidate', to: 'contacted' }] } });
    expect(store.events.map((event) => event.announcement)).toEqual([
      { event: 'CaseStudyStageChanged', key: 'stage:1', at: t0, data: { customerId: 'cus_1', from: 'candidate', to: 'contacted', changedBy: 'ann', changedAt: t0 } },
    ]);
    expect(await moveCandidate(store, 'cus_1', 'published', 'ann', t0)).toEqual({ kind: 'invalid-transition', from: 'contacted', to: 'published', allowed: ['interviewing', 'declined'] });
    expect((await moveCandidate(store, 'cus_1', 'contacted', 'ann', t0)).kind).toBe('unchanged');
    // A case study already started goes on even if the customer stopped being eligible.
    store.profiles.set('cus_1', storedOf(nobody('cus_1'), 2));
    expect(await moveCandidate(store, 'cus_1', 'interviewing', 'bob', at(t0, 1))).toMatchObject({ kind: 'moved', caseStudy: { stage: 'interviewing', version: 2 } });
    expect(store.events.map((event) => event.announcement.key)).toEqual(['stage:1', 'stage:2']);
  });

  it('noteCandidate notes an eligible candidate (starting the study) and adds to a stored one', async () => {
    const store = new MemoryStore();
    store.profiles.set('cus_1', storedOf(advocate('cus_1')));
    expect(await noteCandidate(store, 'cus_1', '  great story ', 'ann', t0)).toMatchObject({ kind: 'noted', caseStudy: { stage: 'candidate', version: 1, notes: [{ at: t0, by: 'ann', text: 'great story' }] } });
    expect(await noteCandidate(store, 'cus_1', 'called', 'bob', at(t0, 1))).toMatchObject({ kind: 'noted', caseStudy: { version: 2, notes: [{ text: 'great story' }, { text: 'called', by: 'bob' }] } });
    expect(store.events).toEqual([]);
  });

  describe('rescoreCustomer', () => {
    const sourcesOf = (store: MemoryStore) => {
      const calls: string[] = [];
      const facts = {
        purchases: { orders: 2, spendMinor: { EUR: 30_000 } as Record<string, number>, refundedMinor: {} as Record<string, number>, firstPurchaseAt: at(t0, -90 * DAY_MS), lastPurchaseAt: at(t0, -DAY_MS) } as Awaited<ReturnType<AdvocacySources['purchases']>>,
        feedback: { promoterAnswers: 1, lastPromoterAt: at(t0, -10 * DAY_MS) } as Awaited<ReturnType<AdvocacySources['feedback']>>,
        referrals: 0,
        tier: { name: 'Gold', rank: 2 } as { name: string; rank: number } | undefined,
      };
      const sources: AdvocacySources = {
        purchases: async (id) => {
          calls.push(`purchases:${id}`);
          return structuredClone(facts.purchases);
        },
        feedback: async (id) => {
          calls.push(`feedback:${id}`);
          return structuredClone(facts.feedback);
        },
        referralsRewarded: async (id) => {
          calls.push(`referrals:${id}`);
          return facts.referrals;
        },
        tier: async (id) => {
          calls.push(`tier:${id}`);
          return facts.tier && { ...facts.tier };
        },
      };
      return { deps: { store, sources }, calls, facts };
    };

    it('onlyIfKnown: an unknown customer stays unknown, asking no source and writing nothing', async () => {
      const store = new MemoryStore();
      const { deps, calls } = sourcesOf(store);
      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: true }, t0)).toBe('unknown');
      expect(calls).toEqual([]);
      expect(store.calls.saveProfile).toBe(0);
    });

    it('profiles from the sources with the settings’ window, then short-circuits (no write) while nothing changes', async () => {
      const store = new MemoryStore();
      store.settings = settingsOf({ candidateWindowDays: 30 });
      const { deps, facts } = sourcesOf(store);
      // Approved testimonials count, a 1-star one like any other; pending and withdrawn ones do not.
      store.seedTestimonial(testimonialOf({ testimonialId: 'ts_a', customerId: 'cus_1', status: 'approved', consent: 'public', rating: 1 }));
      store.seedTestimonial(testimonialOf({ testimonialId: 'ts_b', customerId: 'cus_1', status: 'approved', consent: 'anonymous', rating: 3 }));
      store.seedTestimonial(testimonialOf({ testimonialId: 'ts_c', customerId: 'cus_1', status: 'pending', rating: 5 }));
      store.seedTestimonial(testimonialOf({ testimonialId: 'ts_d', customerId: 'cus_1', status: 'withdrawn', rating: 5 }));
      store.seedTestimonial(testimonialOf({ testimonialId: 'ts_e', customerId: 'cus_other', status: 'approved', rating: 5 }));
      facts.purchases = { ...facts.purchases, lastRefundAt: at(t0, -DAY_MS) };

      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: false }, t0)).toBe('saved');
      const stored = store.profiles.get('cus_1') as StoredProfile;
      expect(stored.version).toBe(1);
      expect(stored.updatedAt).toBe(t0);
      expect(stored.profile).toEqual({
        customerId: 'cus_1',
        promoterAnswers: 1,
        lastPromoterAt: at(t0, -10 * DAY_MS),
        tier: { name: 'Gold', rank: 2 },
        spendMinor: { EUR: 30_000 },
        refundedMinor: {},
        orders: 2,
        firstPurchaseAt: at(t0, -90 * DAY_MS),
        lastPurchaseAt: at(t0, -DAY_MS),
        lastRefundAt: at(t0, -DAY_MS),
        referralsRewarded: 0,
        testimonials: { approvedPublic: 1, approvedAnonymous: 1, bestRating: 3 },
      });
      expect(stored.score).toEqual(scoreCandidate(stored.profile, 30));
      expect(stored.score.excludedUntil).toBe(at(t0, 29 * DAY_MS));

      const saves = store.calls.saveProfile;
      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: true }, at(t0, DAY_MS))).toBe('unchanged');
      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: false }, at(t0, DAY_MS))).toBe('unchanged');
      expect(store.calls.saveProfile).toBe(saves);
      expect(store.profiles.get('cus_1')).toEqual(stored);

      facts.referrals = 2;
      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: true }, at(t0, 2 * DAY_MS))).toBe('saved');
      expect(store.profiles.get('cus_1')).toMatchObject({ version: 2, updatedAt: at(t0, 2 * DAY_MS), profile: { referralsRewarded: 2 } });

      // A new candidates window changes the score though no number moved: the next signal stores it.
      store.settings = settingsOf({ candidateWindowDays: 60 });
      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: true }, at(t0, 3 * DAY_MS))).toBe('saved');
      expect(store.profiles.get('cus_1')?.score.excludedUntil).toBe(at(t0, 59 * DAY_MS));
    });

    it('retries a conflict on a fresh read: a concurrent writer’s version is built on, not overwritten blindly', async () => {
      const store = new MemoryStore();
      const { deps } = sourcesOf(store);
      store.beforeSaveProfile = (customerId) => {
        store.beforeSaveProfile = undefined;
        store.profiles.set(customerId, storedOf(advocate(customerId, { promoterAnswers: 7 })));
      };
      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: false }, t0)).toBe('saved');
      expect(store.calls.saveProfile).toBe(2);
      expect(store.profiles.get('cus_1')).toMatchObject({ version: 2, profile: { promoterAnswers: 1, tier: { name: 'Gold', rank: 2 } } });
    });

    it('after a conflict with a writer that stored the same profile, the retry finds nothing to change', async () => {
      const store = new MemoryStore();
      const { deps } = sourcesOf(store);
      let theirs: StoredProfile | undefined;
      const save = store.saveProfile.bind(store);
      store.saveProfile = async (customerId, stored, expectedVersion) => {
        if (!theirs) {
          theirs = { ...stored, updatedAt: 'theirs' };
          await save(customerId, theirs, 0);
        }
        return save(customerId, stored, expectedVersion);
      };
      expect(await rescoreCustomer(deps, 'cus_1', { onlyIfKnown: false }, t0)).toBe('unchanged');
      expect(store.profiles.get('cus_1')).toEqual(theirs);
    });
  });
});
