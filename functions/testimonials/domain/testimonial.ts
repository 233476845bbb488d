import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Testimonials, pure: one-time request links (a random secret, stored only as its hash; revocable, regenerable, used
 * once), submissions with the consent the customer chose, moderation recorded with who and when, withdrawal at any
 * time, and what a public wall may show. Nothing here rejects a testimonial for its rating: moderation is a marketer's
 * decision (FTC 16 CFR 465 forbids suppressing negative reviews).
 */
export type Consent = 'public' | 'anonymous' | 'private';
export type RequestTrigger = 'promoter' | 'tier_upgrade' | 'referral_rewarded' | 'manual';
export type RequestStatus = 'requested' | 'submitted' | 'revoked';
export type TestimonialStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';
export type WithdrawnBy = 'customer' | 'link' | 'erasure';

export interface TestimonialRequest {
  readonly requestId: string;
  readonly customerId: string;
  readonly trigger: RequestTrigger;
  readonly status: RequestStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly tokenHash: string;
  /** Submissions made with the link: at most MAX_LINK_USES. */
  readonly uses: number;
  readonly email?: string;
  readonly testimonialId?: string;
  readonly revokedAt?: string;
  readonly regeneratedAt?: string;
  readonly version: number;
}

export interface Moderation {
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
}

export interface Testimonial {
  readonly testimonialId: string;
  readonly requestId: string;
  readonly customerId: string;
  readonly rating: number;
  readonly text: string;
  readonly displayName: string;
  readonly title?: string;
  readonly company?: string;
  readonly avatarUrl?: string;
  readonly consent: Consent;
  /** The version of the consent text the customer was shown and accepted. */
  readonly consentVersion: number;
  readonly status: TestimonialStatus;
  readonly submittedAt: string;
  /** Every moderation decision, oldest first: who decided what, when, and why. */
  readonly moderation: readonly Moderation[];
  readonly tags: readonly string[];
  readonly featured: boolean;
  readonly sortOrder: number;
  readonly withdrawnAt?: string;
  readonly withdrawnBy?: WithdrawnBy;
  readonly version: number;
}

export interface Wall {
  readonly wallId: string;
  readonly name: string;
  /** Testimonials carrying at least one of these tags; none: every publishable one. */
  readonly tags: readonly string[];
  readonly featuredOnly: boolean;
  readonly limit: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly version: number;
}

export const MAX_LINK_USES = 1;
export const DEFAULT_WALL_ID = 'default';
export const MAX_WALL_LIMIT = 100;
export const MAX_TAGS = 20;
export const MAX_SORT_ORDER = 1_000_000;

/** The wall that always exists: every approved, publishable testimonial. Saving `default` changes its name or limit. */
export function defaultWall(): Wall {
  return { wallId: DEFAULT_WALL_ID, name: 'What our customers say', tags: [], featuredOnly: false, limit: 50, updatedAt: '1970-01-01T00:00:00.000Z', updatedBy: 'system', version: 0 };
}

// ---- ids and tokens

export function newRequestId(): string {
  return `tr_${randomBytes(12).toString('base64url')}`;
}

export function newTestimonialId(): string {
  return `ts_${randomBytes(12).toString('base64url')}`;
}

/** A request id derived from what triggered it, so a redelivered trigger finds the request it made. */
export function triggeredRequestId(trigger: string): string {
  return `tr_${createHash('sha256').update(trigger).digest('base64url').slice(0, 16)}`;
}

/** A fresh one-time token for a request: `<requestId>.<secret>`; only the secret's hash is stored. */
export function newToken(requestId: string): { token: string; tokenHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${requestId}.${secret}`, tokenHash: hashSecret(secret) };
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function parseToken(token: string): { requestId: string; secret: string } | undefined {
  const match = /^(tr_[A-Za-z0-9_-]{16,24})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { requestId: match[1] as string, secret: match[2] as string } : undefined;
}

export function tokenMatches(request: Pick<TestimonialRequest, 'tokenHash'>, secret: string): boolean {
  const expected = Buffer.from(request.tokenHash);
  const actual = Buffer.from(hashSecret(secret));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function addDays(at: string, days: number): string {
  return new Date(Date.parse(at) + days * 86_400_000).toISOString();
}

/** What a link can do now: submit (open), or why not. Withdrawal by link works in every state but unknown. */
export function linkState(request: TestimonialRequest, now: string): 'open' | 'submitted' | 'expired' | 'revoked' {
  if (request.status === 'revoked') return 'revoked';
  if (request.status === 'submitted' || request.uses >= MAX_LINK_USES) return 'submitted';
  if (Date.parse(now) >= Date.parse(request.expiresAt)) return 'expired';
  return 'open';
}

// ---- moderation and withdrawal

export type Transition = { kind: 'changed'; testimonial: Testimonial } | { kind: 'unchanged'; testimonial: Testimonial } | { kind: 'withdrawn' };

export function approve(testimonial: Testimonial, by: string, at: string): Transition {
  if (testimonial.status === 'withdrawn') return { kind: 'withdrawn' };
  if (testimonial.status === 'approved') return { kind: 'unchanged', testimonial };
  return { kind: 'changed', testimonial: { ...testimonial, status: 'approved', moderation: [...testimonial.moderation, { decision: 'approved', by, at }], version: testimonial.version + 1 } };
}

export function reject(testimonial: Testimonial, reason: string, by: string, at: string): Transition {
  if (testimonial.status === 'withdrawn') return { kind: 'withdrawn' };
  if (testimonial.status === 'rejected') return { kind: 'unchanged', testimonial };
  return { kind: 'changed', testimonial: { ...testimonial, status: 'rejected', moderation: [...testimonial.moderation, { decision: 'rejected', by, at, reason }], version: testimonial.version + 1 } };
}

/** Withdrawal is the customer's right at any time and is final; withdrawing twice changes nothing. */
export function withdraw(testimonial: Testimonial, by: WithdrawnBy, at: string): Transition {
  if (testimonial.status === 'withdrawn') return { kind: 'unchanged', testimonial };
  return { kind: 'changed', testimonial: { ...testimonial, status: 'withdrawn', withdrawnAt: at, withdrawnBy: by, version: testimonial.version + 1 } };
}

export interface Curation {
  readonly tags?: readonly string[];
  readonly featured?: boolean;
  readonly sortOrder?: number;
}

export function curate(testimonial: Testimonial, change: Curation): Transition {
  if (testimonial.status === 'withdrawn') return { kind: 'withdrawn' };
  const next: Testimonial = {
    ...testimonial,
    ...(change.tags ? { tags: normalizeTags(change.tags) } : {}),
    ...(change.featured !== undefined ? { featured: change.featured } : {}),
    ...(change.sortOrder !== undefined ? { sortOrder: change.sortOrder } : {}),
  };
  const same = next.featured === testimonial.featured && next.sortOrder === testimonial.sortOrder && next.tags.join(',') === testimonial.tags.join(',');
  return same ? { kind: 'unchanged', testimonial } : { kind: 'changed', testimonial: { ...next, version: testimonial.version + 1 } };
}

/** Tags are lower-case slugs, kept once each, sorted: "Case-Study" and "case-study" are one tag. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()))].sort();
}

// ---- public surfaces

/** Shown on a public wall only when approved, consented to publish, and not withdrawn. Private is for the merchant only. */
export function isPublishable(testimonial: Pick<Testimonial, 'status' | 'consent'>): boolean {
  return testimonial.status === 'approved' && testimonial.consent !== 'private';
}

export interface WallEntry {
  readonly testimonialId: string;
  readonly rating: number;
  readonly text: string;
  /** null for an anonymous testimonial: the wall never shows who wrote it. */
  readonly displayName: string | null;
  readonly title?: string;
  readonly company?: string;
  readonly avatarUrl?: string;
  readonly featured: boolean;
  readonly submittedAt: string;
}

/** What a wall shows of a testimonial: an anonymous one loses its name, title, company and picture. */
export function wallEntry(testimonial: Testimonial): WallEntry {
  const named = testimonial.consent === 'public';
  return {
    testimonialId: testimonial.testimonialId,
    rating: testimonial.rating,
    text: testimonial.text,
    displayName: named ? testimonial.displayName : null,
    ...(named && testimonial.title ? { title: testimonial.title } : {}),
    ...(named && testimonial.company ? { company: testimonial.company } : {}),
    ...(named && testimonial.avatarUrl ? { avatarUrl: testimonial.avatarUrl } : {}),
    featured: testimonial.featured,
    submittedAt: testimonial.submittedAt,
  };
}

/**
 * A wall's order: featured first, then by sort order (ascending), then newest first, then by id. The id breaks ties in
 * code-unit order, as the wall index orders wallSortKey (DynamoDB compares string keys byte by byte): a locale's
 * collation (localeCompare) puts "a" before "B" and "_" before "-", the index the other way round.
 */
export function wallOrder(a: Testimonial, b: Testimonial): number {
  if (a.featured !== b.featured) return a.featured ? -1 : 1;
  if (a.sortOrder !== b.sortOrder) return a.sortOrder - b.sortOrder;
  if (a.submittedAt !== b.submittedAt) return a.submittedAt < b.submittedAt ? 1 : -1;
  return a.testimonialId < b.testimonialId ? -1 : a.testimonialId > b.testimonialId ? 1 : 0;
}

export function onWall(wall: Pick<Wall, 'tags' | 'featuredOnly'>, testimonial: Testimonial): boolean {
  if (!isPublishable(testimonial)) return false;
  if (wall.featuredOnly && !testimonial.featured) return false;
  return wall.tags.length === 0 || wall.tags.some((tag) => testimonial.tags.includes(tag));
}

/** The wall index's sort key, in wallOrder: featured (0) before not (1), sort order, then newest first. */
export function wallSortKey(testimonial: Pick<Testimonial, 'featured' | 'sortOrder' | 'submittedAt' | 'testimonialId'>): string {
  const newestFirst = String(9_999_999_999_999 - Date.parse(testimonial.submittedAt)).padStart(13, '0');
  return `${testimonial.featured ? 0 : 1}#${String(testimonial.sortOrder).padStart(7, '0')}#${newestFirst}#${testimonial.testimonialId}`;
}
