import * as z from 'zod';
import { defineEvent } from './contract';

/**
 * The journey service's events. JourneyStageChanged announces each move of a customer's journey stage, from the
 * history entry written in the same transaction, naming the event that caused it (see functions/journey).
 */
export const JOURNEY_STAGES = ['aware', 'considering', 'first_purchase', 'repeat', 'loyal', 'advocate'] as const;
const stage = z.enum(JOURNEY_STAGES);
const at = z.iso.datetime({ offset: true });

/** A customer's journey stage changed (the best stage reached rose), with the event that moved it. */
export const JourneyStageChanged = defineEvent({
  service: 'journey',
  detailType: 'JourneyStageChanged',
  version: 1,
  data: z.object({
    customerId: z.string().min(1),
    from: stage.nullable(),
    to: stage,
    /** The consumed event that moved the stage: its detail-type and its (deterministic) event id. */
    cause: z.object({ detailType: z.string().min(1), eventId: z.string().min(1) }),
    /** When the causing fact happened (the purchase's time, the answer's time…), not when it was processed. */
    changedAt: at,
  }),
  example: {
    customerId: 'cust-42',
    from: 'first_purchase',
    to: 'repeat',
    cause: { detailType: 'PurchaseRecorded', eventId: 'PurchaseRecorded:store-1:order-1002' },
    changedAt: '2026-11-20T10:00:00.000Z',
  },
});


const reason = z.object({ signal: z.enum(['recency', 'frequency', 'refunds', 'detractor']), value: z.number(), points: z.number().int(), detail: z.string() });
const risk = {
  customerId: z.string().min(1),
  score: z.number().int().min(0).max(100),
  /** Each contributing signal with its value and the points it added. */
  reasons: z.array(reason),
  lastPurchaseAt: at,
  expectedGapDays: z.number().positive(),
  assessedAt: at,
};
const riskExample = {
  customerId: 'cust-42',
  score: 70,
  reasons: [
    { signal: 'recency' as const, value: 3, points: 60, detail: '90 days since the last purchase, 3× the usual 30-day gap' },
    { signal: 'refunds' as const, value: 1, points: 10, detail: '1 refund in the last 90 days' },
  ],
  lastPurchaseAt: '2026-08-01T10:00:00.000Z',
  expectedGapDays: 30,
  assessedAt: '2026-10-30T10:00:00.000Z',
};

/** A customer's churn score crossed the at-risk threshold (once per lapse: the next purchase ends it). */
export const CustomerAtRisk = defineEvent({
  service: 'journey',
  detailType: 'CustomerAtRisk',
  version: 1,
  data: z.object(risk),
  example: riskExample,
});

/** A customer went past the lapsed threshold (LAPSED_GAPS × their usual gap without a purchase), once per lapse. */
export const CustomerLapsed = defineEvent({
  service: 'journey',
  detailType: 'CustomerLapsed',
  version: 1,
  data: z.object(risk),
  example: { ...riskExample, score: 70, assessedAt: '2027-01-28T10:00:00.000Z', reasons: [{ signal: 'recency' as const, value: 6, points: 70, detail: '180 days since the last purchase, 6× the usual 30-day gap' }] },
});

/**
 * An at-risk customer outside the holdout was offered win-back points (the loyalty service credits them with ledger
 * reason `win-back`, once per offerId; the merchant's mailer tells the customer). Holdout customers get no event.
 */
export const WinBackOffered = defineEvent({
  service: 'journey',
  detailType: 'WinBackOffered',
  version: 1,
  data: z.object({
    customerId: z.string().min(1),
    /** Deterministic per customer and lapse: the loyalty credit's idempotency key. */
    offerId: z.string().min(1),
    points: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    expiresAt: at.optional(),
    /** The at-risk assessment that triggered the offer. */
    score: z.number().int().min(0).max(100),
    reasons: z.array(reason),
    atRiskAt: at,
    offeredAt: at,
  }),
  example: {
    customerId: 'cust-42',
    offerId: 'winback-3f1c0a9e8b7d6c5b4a392817',
    points: 500,
    expiresAt: '2026-11-29T10:00:00.000Z',
    score: 70,
    reasons: riskExample.reasons,
    atRiskAt: '2026-10-30T10:00:00.000Z',
    offeredAt: '2026-10-30T10:05:00.000Z',
  },
});

export const JOURNEY_EVENTS = [JourneyStageChanged, CustomerAtRisk, CustomerLapsed, WinBackOffered] as const;
