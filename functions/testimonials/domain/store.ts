import type { Page } from '../../../shared/domain/pagination';
import type { AdvocacyProfile, CandidateScore, CaseStudy } from './candidates';
import type { TestimonialSettings } from './settings';
import type { Testimonial, TestimonialRequest, TestimonialStatus, Wall } from './testimonial';

/**
 * What the testimonial use cases need from storage and from the services that own the rest, in the domain's words.
 * A change and the events it announces commit together, conditioned on the versions read.
 */
export type TestimonialEventName = 'TestimonialRequested' | 'TestimonialSubmitted' | 'TestimonialApproved' | 'TestimonialRejected' | 'TestimonialWithdrawn' | 'CaseStudyStageChanged';

export interface Announcement {
  readonly event: TestimonialEventName;
  /** Unique per announcement: a regenerated link is announced again under a new key. */
  readonly key: string;
  readonly data: Record<string, unknown>;
  readonly at: string;
}

export interface Versioned<T> {
  readonly next: T;
  /** 0: must be new. */
  readonly expectedVersion: number;
}

export interface ModerationQuery {
  readonly status: TestimonialStatus;
  readonly tag?: string;
  readonly rating?: number;
  readonly limit: number;
  readonly cursor?: string;
}

export interface StoredProfile {
  readonly profile: AdvocacyProfile;
  readonly score: CandidateScore;
  readonly updatedAt: string;
  readonly version: number;
}

export interface TestimonialStore {
  getSettings(): Promise<TestimonialSettings | undefined>;
  getSettingsCached(ttlMs?: number): Promise<TestimonialSettings | undefined>;
  saveSettings(settings: TestimonialSettings, previousVersion: number): Promise<'saved' | 'conflict'>;

  getRequest(requestId: string): Promise<TestimonialRequest | undefined>;
  getTestimonial(testimonialId: string): Promise<Testimonial | undefined>;
  /** One transaction: any of a request and a testimonial, each conditioned on its version, with the events. */
  commit(change: { request?: Versioned<TestimonialRequest>; testimonial?: Versioned<Testimonial>; announce: readonly Announcement[] }): Promise<'committed' | 'conflict'>;
  moderationPage(query: ModerationQuery): Promise<Page<Testimonial>>;
  customerTestimonials(customerId: string): Promise<Testimonial[]>;
  customerRequests(customerId: string): Promise<TestimonialRequest[]>;
  /** Publishable testimonials in wall order, read consistently from the table (the index only orders them). */
  publishedPage(limit: number, cursor?: Record<string, unknown>): Promise<{ items: Testimonial[]; cursor?: Record<string, unknown> }>;

  getWall(wallId: string): Promise<Wall | undefined>;
  saveWall(change: Versioned<Wall>): Promise<'saved' | 'conflict'>;
  deleteWall(wallId: string): Promise<boolean>;
  listWalls(): Promise<Wall[]>;

  getProfile(customerId: string): Promise<StoredProfile | undefined>;
  saveProfile(customerId: string, stored: StoredProfile, expectedVersion: number): Promise<'saved' | 'conflict'>;
  candidatesPage(limit: number, cursor?: Record<string, unknown>): Promise<{ items: StoredProfile[]; cursor?: Record<string, unknown> }>;
  getCaseStudy(customerId: string): Promise<CaseStudy | undefined>;
  getCaseStudies(customerIds: readonly string[]): Promise<Map<string, CaseStudy>>;
  commitCaseStudy(change: Versioned<CaseStudy>, announce: readonly Announcement[]): Promise<'committed' | 'conflict'>;
}

/** The feedback service's contact budget, through its facade. */
export type ContactClaim = { kind: 'claimed' } | { kind: 'throttled'; reason: string } | { kind: 'detractor'; answeredAt: string; reason: string };

export interface ContactBudgetPort {
  claimContact(claim: { customerId: string; contactId: string; followUpOf?: string; at: string }): Promise<ContactClaim>;
}

/** What other services know about a customer, through their read facades: the case-study score's numbers. */
export interface AdvocacySources {
  purchases(customerId: string): Promise<{ orders: number; spendMinor: Record<string, number>; refundedMinor: Record<string, number>; firstPurchaseAt?: string; lastPurchaseAt?: string; lastRefundAt?: string }>;
  feedback(customerId: string): Promise<{ promoterAnswers: number; lastPromoterAt?: string; lastDetractorAt?: string }>;
  referralsRewarded(customerId: string): Promise<number>;
  tier(customerId: string): Promise<{ name: string; rank: number } | undefined>;
}
