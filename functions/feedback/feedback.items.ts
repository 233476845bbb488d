import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import { storedFeedbackSettings, type FeedbackSettings } from './domain/settings';
import type { AnswerEntry, ContactBudget, DayCounts, SurveyRequest } from './domain/survey';

/** The feedback table's items as stored, parsed (never cast) into the domain's types. */
const int = z.number().int();
const category = z.enum(['promoter', 'passive', 'detractor', 'satisfied', 'unsatisfied']);

const request = z.object({
  requestId: z.string(),
  customerId: z.string(),
  kind: z.enum(['nps', 'csat']),
  trigger: z.enum(['purchase', 'tier_upgrade', 'manual']),
  status: z.enum(['scheduled', 'requested', 'answered', 'throttled']),
  createdAt: z.string(),
  dueAt: z.string(),
  email: z.string().optional(),
  properties: z.record(z.string(), z.string()).optional(),
  requestedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  tokenHash: z.string().optional(),
  throttledReason: z.string().optional(),
  answer: z.object({ score: int, category, comment: z.string().optional(), answeredAt: z.string() }).optional(),
  version: int,
});

const budget = z.object({
  customerId: z.string(),
  lastContactAt: z.string().optional(),
  lastRequestId: z.string().optional(),
  scheduledRequestId: z.string().optional(),
  followUpId: z.string().optional(),
  lastDetractorAt: z.string().optional(),
  version: int,
});

const counter = int.default(0);
const day = z.object({ day: z.string(), requested: counter, responses: counter, promoters: counter, passives: counter, detractors: counter, satisfied: counter, unsatisfied: counter });

export function requestFromItem(item: unknown): SurveyRequest {
  const stored = item as Record<string, unknown>;
  // The link's expiry is stored as `linkExpiresAt` (`expiresAt` is the table's TTL attribute).
  return parseItem(request, { ...stored, expiresAt: stored.linkExpiresAt }, 'survey request');
}

const answerEntry = z.object({
  requestId: z.string(),
  customerId: z.string(),
  kind: z.enum(['nps', 'csat']),
  trigger: z.enum(['purchase', 'tier_upgrade', 'manual']),
  answer: z.object({ score: int, category, comment: z.string().optional(), answeredAt: z.string() }),
});

/** An entry of the answers index (gsi3): an answered request, or its answer item; both project the same attributes. */
export function answerFromItem(item: unknown): AnswerEntry {
  return parseItem(answerEntry, item, 'survey answer');
}

export function budgetFromItem(item: unknown): ContactBudget {
  return parseItem(budget, item, 'contact budget');
}

export function dayFromItem(item: unknown): DayCounts {
  return parseItem(day, item, 'feedback metrics day');
}

export function settingsFromItem(item: unknown): FeedbackSettings {
  return parseItem(z.object({ settings: storedFeedbackSettings }), item, 'feedback settings').settings;
}
