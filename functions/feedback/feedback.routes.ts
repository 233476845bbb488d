import * as z from 'zod';
import { customerParams, identifier } from '../../shared/domain/identifiers';
import { listingOf, listingQuery, timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';
import { feedbackSettingsInput, storedFeedbackSettings } from './domain/settings';
import { MAX_COMMENT_LENGTH } from './domain/survey';

/** The feedback API: settings, survey requests, answers (by token), the response page, metrics, the answers listed. */
const kind = z.enum(['nps', 'csat']);
const category = z.enum(['promoter', 'passive', 'detractor', 'satisfied', 'unsatisfied']);
const count = z.number().int();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01');

export const getFeedbackSettings = defineRoute({
  method: 'GET',
  path: '/v1/feedback-settings',
  access: ['marketer'],
  summary: 'The feedback settings (404 until saved)',
  responses: { 200: storedFeedbackSettings },
});

export const putFeedbackSettings = defineRoute({
  method: 'PUT',
  path: '/v1/feedback-settings',
  access: ['marketer'],
  summary: 'Save the feedback settings (triggers, contact budget, link expiry, page texts) as a new version',
  body: feedbackSettingsInput,
  responses: { 200: storedFeedbackSettings },
});

const surveyCreated = z.object({
  requestId: z.string(),
  status: z.enum(['requested', 'scheduled']),
  /** The one-time response page, for merchants who send it themselves. */
  link: z.url(),
  dueAt: timestamp,
  expiresAt: timestamp,
});

export const createSurvey = defineRoute({
  method: 'POST',
  path: '/v1/surveys',
  access: ['storefront', 'marketer'],
  summary: 'Ask a customer for feedback now or after a delay; 200 {status: "throttled"} when the contact budget is spent',
  body: z.strictObject({
    customerId: identifier,
    email: z.email({ error: 'must be an email address' }).max(254).optional(),
    kind: kind.default('nps'),
    delaySeconds: z.number().int().min(0).max(365 * 86_400).default(0),
    properties: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'must be a short name'), z.string().max(200))
      .refine((value) => Object.keys(value).length <= 20, 'at most 20 properties')
      .optional(),
  }),
  responses: { 201: surveyCreated, 200: z.object({ status: z.literal('throttled'), reason: z.string() }) },
});

export const answerSurvey = defineRoute({
  method: 'POST',
  path: '/v1/surveys/responses',
  access: ['public'],
  summary: 'Answer a survey with its one-time token (NPS 0–10, CSAT 1–5); a second answer is 409',
  body: z.strictObject({
    token: z.string().min(1).max(200),
    score: z.number().int('must be a whole number'),
    comment: z.string().max(MAX_COMMENT_LENGTH).optional(),
  }),
  responses: { 201: z.object({ requestId: z.string(), kind, score: count, category, answeredAt: timestamp }) },
});

export const surveyPage = defineRoute({
  method: 'GET',
  path: '/s/{token}',
  access: ['public'],
  summary: 'The response page a link opens: the question, the score buttons and a comment box (HTML)',
  params: z.object({ token: z.string().min(1).max(200) }),
  responses: { 200: z.string(), 404: z.string(), 410: z.string() },
});

export const metricsQuery = z.strictObject({ from: day, to: day, kind: kind.default('nps') });

export const getFeedbackMetrics = defineRoute({
  method: 'GET',
  path: '/v1/feedback/metrics',
  access: ['marketer'],
  summary: 'Responses, promoters/passives/detractors, NPS (or CSAT) and response rate for UTC days from..to, with a daily series',
  query: metricsQuery,
  responses: {
    200: z.object({
      kind,
      from: day,
      to: day,
      requested: count,
      responses: count,
      responseRate: count,
      promoters: count,
      passives: count,
      detractors: count,
      promoterPercent: count,
      passivePercent: count,
      detractorPercent: count,
      nps: count,
      satisfied: count,
      unsatisfied: count,
      csat: count,
      daily: z.array(z.object({ day, requested: count, responses: count, promoters: count, passives: count, detractors: count, satisfied: count, unsatisfied: count, nps: count })),
    }),
  },
});

export const feedbackEntry = z.object({
  requestId: z.string(),
  kind,
  trigger: z.enum(['purchase', 'tier_upgrade', 'manual']),
  status: z.enum(['scheduled', 'requested', 'answered', 'throttled', 'expired']),
  createdAt: timestamp,
  dueAt: timestamp,
  requestedAt: timestamp.optional(),
  expiresAt: timestamp.optional(),
  throttledReason: z.string().optional(),
  answer: z.object({ score: count, category, comment: z.string().optional(), answeredAt: timestamp }).optional(),
});

export const listCustomerFeedback = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/feedback',
  access: ['customer', 'marketer'],
  summary: "A customer's survey requests and answers, newest first",
  params: customerParams,
  query: listingQuery,
  responses: { 200: listingOf(feedbackEntry) },
});

export const listResponsesQuery = listingQuery.extend({
  kind: kind.default('nps'),
  /** promoter, passive, detractor (NPS) or satisfied, unsatisfied (CSAT); all of the kind's answers without it. */
  category: category.optional(),
  from: day.optional(),
  to: day.optional(),
});

export const feedbackResponse = z.object({
  requestId: z.string(),
  customerId: z.string(),
  kind,
  trigger: z.enum(['purchase', 'tier_upgrade', 'manual']),
  score: count,
  category,
  comment: z.string().optional(),
  answeredAt: timestamp,
});

export const listFeedbackResponses = defineRoute({
  method: 'GET',
  path: '/v1/feedback/responses',
  access: ['marketer'],
  summary: 'Survey answers across customers, newest first, with their comments: by kind, optionally one category (detractors to follow up) and UTC days from..to; paginated',
  query: listResponsesQuery,
  responses: { 200: listingOf(feedbackResponse) },
});
