import * as z from 'zod';
import { JOURNEY_STAGES } from '../../events/journey';
import { customerParams } from '../../shared/domain/identifiers';
import { timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';
import { journeySettingsInput, storedJourneySettings } from './domain/winback';

/** The journey API: a customer's stage and its history, and the marketer's funnel, cohorts and overview. */
const stage = z.enum(JOURNEY_STAGES);
const count = z.number().int();
const rate = z.number().min(0);
const cause = z.object({ detailType: z.string(), eventId: z.string() });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01');
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-12');
/** Every analytics route answers JSON, or CSV (a string) when asked with `Accept: text/csv`. */
const csv = z.string();

export const journeyEntry = z.object({
  customerId: z.string(),
  stage: stage.nullable(),
  milestones: z.partialRecord(stage, z.object({ at: timestamp, cause })),
  history: z.array(z.object({ seq: count, from: stage.nullable(), to: stage, at: timestamp, cause })),
  signals: z.object({
    purchases: count,
    monetaryMinor: count,
    firstPurchaseAt: timestamp.optional(),
    lastPurchaseAt: timestamp.optional(),
    medianGapDays: z.number().optional(),
    refunds: count,
    lastRefundAt: timestamp.optional(),
    answers: z.object({ promoter: count, passive: count, detractor: count, satisfied: count, unsatisfied: count }),
    lastDetractorAt: timestamp.optional(),
    referredBySomeone: z.boolean(),
    referralsRewarded: count,
    testimonialsApproved: count,
    balance: z.object({ available: count, pending: count }).optional(),
  }),
  /** The churn risk: a score 0–100 from the named signals in `reasons`, and the overlay it puts on the stage. */
  risk: z
    .object({
      score: count,
      overlay: z.enum(['at_risk', 'lapsed']).nullable(),
      reasons: z.array(z.object({ signal: z.enum(['recency', 'frequency', 'refunds', 'detractor']), value: z.number(), points: count, detail: z.string() })),
      assessedAt: timestamp,
      expectedGapDays: z.number(),
    })
    .optional(),
});

export const getCustomerJourney = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/journey',
  access: ['customer', 'marketer', 'storefront'],
  summary: "A customer's journey stage, the milestones that reached each stage, the history of changes (newest first) with the event that caused each, and the signals they rest on",
  params: customerParams,
  responses: { 200: journeyEntry },
});

export const funnelQuery = z.strictObject({ from: day, to: day });

export const getFunnel = defineRoute({
  method: 'GET',
  path: '/v1/analytics/funnel',
  access: ['marketer'],
  summary: 'Customers who reached each journey stage on a UTC day from..to, and the conversion from each stage to the next (JSON, or CSV with Accept: text/csv)',
  query: funnelQuery,
  responses: {
    200: z.union([
      z.object({ from: day, to: day, stages: z.array(z.object({ stage, entered: count, conversionFromPrevious: rate.nullable() })) }),
      csv,
    ]),
  },
});

export const cohortsQuery = z.strictObject({ by: z.literal('month').default('month'), metric: z.literal('repeat_purchase').default('repeat_purchase'), from: month.optional(), to: month.optional() });

export const getCohorts = defineRoute({
  method: 'GET',
  path: '/v1/analytics/cohorts',
  access: ['marketer'],
  summary: 'Customers by first-purchase month and the share who purchased again in month 1, 2, 3… after it: the retention triangle (JSON, or CSV with Accept: text/csv)',
  query: cohortsQuery,
  responses: {
    200: z.union([
      z.object({
        by: z.literal('month'),
        metric: z.literal('repeat_purchase'),
        cohorts: z.array(z.object({ month, customers: count, retention: z.array(z.object({ offset: count, customers: count, share: rate })) })),
      }),
      csv,
    ]),
  },
});

export const getOverview = defineRoute({
  method: 'GET',
  path: '/v1/analytics/overview',
  access: ['marketer'],
  summary: 'Members, active customers, repeat-purchase rate, stages, points liability and redemption, NPS, referral conversion and approved testimonials (JSON, or CSV with Accept: text/csv)',
  responses: {
    200: z.union([
      z.object({
        asOf: timestamp,
        members: count,
        purchasers: count,
        active30Days: count,
        active90Days: count,
        repeatPurchaseRate: rate,
        purchases: count,
        stages: z.record(stage, count),
        pointsLiability: z.object({ available: count, pending: count, total: count }),
        pointsEarned: count,
        pointsRedeemed: count,
        redemptionRate: rate,
        nps: z.object({ responses: count, promoters: count, passives: count, detractors: count, score: count.nullable() }),
        referrals: z.object({ refereesAttributed: count, refereesConverted: count, conversionRate: rate, rewarded: count }),
        testimonialsApproved: count,
        atRisk: count,
        lapsed: count,
      }),
      csv,
    ]),
  },
});

export const getJourneySettings = defineRoute({
  method: 'GET',
  path: '/v1/journey-settings',
  access: ['marketer'],
  summary: 'The journey settings: the win-back rule (404 until saved)',
  responses: { 200: storedJourneySettings },
});

export const putJourneySettings = defineRoute({
  method: 'PUT',
  path: '/v1/journey-settings',
  access: ['marketer'],
  summary: 'Save the journey settings (the win-back rule: offer, holdout percentage, cooldown, expiry) as a new version',
  body: journeySettingsInput,
  responses: { 200: storedJourneySettings },
});

const winBackGroup = z.object({ customers: count, returnedWithin30Days: count, returnRate: rate.nullable() });

export const getWinBackReport = defineRoute({
  method: 'GET',
  path: '/v1/analytics/win-back',
  access: ['marketer'],
  summary: 'Win-back offered vs holdout: customers, those who purchased within 30 days of becoming at risk and the rate for each, the difference, and the points offered (JSON, or CSV with Accept: text/csv)',
  responses: {
    200: z.union([z.object({ offered: winBackGroup, holdout: winBackGroup, rateDifference: z.number().nullable(), pointsSpent: count }), csv]),
  },
});
