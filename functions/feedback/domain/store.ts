import type { Page } from '../../../shared/domain/pagination';
import type { FeedbackSettings } from './settings';
import type { AnswerEntry, Category, ContactBudget, DayCounts, SurveyKind, SurveyRequest } from './survey';

/**
 * What the feedback use cases need from storage, in the domain's words: a request changes together with the contact
 * budget it spends or frees, the events it announces and the day's counters — one transaction, conditioned on what
 * was read.
 */
export type FeedbackEventName = 'SurveyRequested' | 'SurveyAnswered' | 'PromoterIdentified' | 'DetractorIdentified' | 'DetractorAlert';

export interface Announcement {
  readonly event: FeedbackEventName;
  readonly data: Record<string, unknown>;
  readonly at: string;
}

export interface RequestChange {
  /** The request after the change; `expectedVersion` 0 means it must be new. */
  readonly request: SurveyRequest;
  readonly expectedVersion: number;
  /** The budget after the change, conditioned on the version read (0: new). */
  readonly budget?: { readonly next: ContactBudget; readonly expectedVersion: number };
  readonly announce: readonly Announcement[];
  /** Counters to add to a day's metrics. */
  readonly count?: { readonly kind: SurveyKind; readonly day: string; readonly requested?: number; readonly answered?: Category };
}

export interface FeedbackStore {
  getSettings(): Promise<FeedbackSettings | undefined>;
  getSettingsCached(ttlMs?: number): Promise<FeedbackSettings | undefined>;
  saveSettings(settings: FeedbackSettings, previousVersion: number): Promise<'saved' | 'conflict'>;
  tokenKey(): Promise<string>;
  getBudget(customerId: string): Promise<ContactBudget | undefined>;
  getRequest(requestId: string): Promise<SurveyRequest | undefined>;
  commit(change: RequestChange): Promise<'committed' | 'conflict' | 'exists'>;
  dueRequests(shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: { requestId: string }[]; cursor?: Record<string, unknown> }>;
  metricsDays(kind: SurveyKind, from: string, to: string): Promise<DayCounts[]>;
  customerRequests(customerId: string, limit: number, cursor?: string): Promise<Page<SurveyRequest>>;
  /** Answers of a kind (of one category, when given) answered on UTC days from..to (both optional), newest first. */
  answers(query: AnswersQuery): Promise<Page<AnswerEntry>>;
}

export interface AnswersQuery {
  readonly kind: SurveyKind;
  readonly category?: Category;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * What a claim on the contact budget needs (another service's contact, through the contact-budget facade): the budget
 * written alone, conditioned on the version read (0: it must not exist yet).
 */
export interface ContactStore extends Pick<FeedbackStore, 'getSettingsCached' | 'getBudget' | 'getRequest' | 'customerRequests'> {
  saveBudget(budget: ContactBudget, expectedVersion: number): Promise<'saved' | 'conflict'>;
}
