import * as z from 'zod';
import { JOURNEY_STAGES } from '../../events/journey';
import { parseItem } from '../../shared/aws/items';
import type { JourneyState } from './domain/journey';
import { storedJourneySettings, type JourneySettings, type WinBackDecision } from './domain/winback';

/** The journey table's items as stored, parsed (never cast) into the domain's types. */
const int = z.number().int();
const stage = z.enum(JOURNEY_STAGES);
const cause = z.object({ detailType: z.string(), eventId: z.string() });
const milestone = z.object({ at: z.string(), cause });

const journey = z.object({
  customerId: z.string(),
  version: int,
  purchaseTimes: z.array(z.string()),
  earliestPurchases: z.array(z.string()),
  purchaseCount: int,
  monetaryMinor: int,
  purchaseMonths: z.array(z.string()),
  refunds: z.array(z.string()),
  milestones: z.partialRecord(stage, milestone),
  stage: stage.nullable(),
  history: z.array(z.object({ seq: int, from: stage.nullable(), to: stage, at: z.string(), cause })),
  answers: z.object({ promoter: int, passive: int, detractor: int, satisfied: int, unsatisfied: int }),
  lastDetractorAt: z.string().optional(),
  attributed: z.boolean(),
  referralsRewarded: int,
  testimonialsApproved: int,
  balance: z.object({ available: int, pending: int, at: z.string() }).optional(),
  pointsEarned: int,
  pointsRedeemed: int,
  churn: z
    .object({
      score: int,
      reasons: z.array(z.object({ signal: z.enum(['recency', 'frequency', 'refunds', 'detractor']), value: z.number(), points: int, detail: z.string() })),
      overlay: z.enum(['at_risk', 'lapsed']).nullable(),
      assessedAt: z.string(),
      lastPurchaseAt: z.string(),
      expectedGapDays: z.number(),
      reviewAt: z.string().optional(),
    })
    .optional(),
  erasedAt: z.string().optional(),
});

export function journeyFromItem(item: unknown): JourneyState {
  return parseItem(journey, item, 'journey');
}

export function countersFromItem(item: unknown): { key: string; values: Record<string, number> } {
  const parsed = parseItem(z.looseObject({ sk: z.string() }), item, 'journey counters');
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'number' && Number.isInteger(value)) values[name] = value;
  return { key: parsed.sk, values };
}

const winBackDecision = z.object({
  customerId: z.string(),
  group: z.enum(['offered', 'holdout']),
  offerId: z.string(),
  decidedAt: z.string(),
  atRiskAt: z.string(),
  lastPurchaseAt: z.string(),
  score: int,
  points: int,
  expiresAt: z.string().optional(),
  returnedAt: z.string().optional(),
  version: int,
});

export function winBackFromItem(item: unknown): WinBackDecision {
  return parseItem(winBackDecision, item, 'win-back decision');
}

export function settingsFromItem(item: unknown): JourneySettings {
  return parseItem(z.object({ settings: storedJourneySettings }), item, 'journey settings').settings;
}
