import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import { emptyActivity, type CustomerActivity } from './domain/activity';
import { RETENTION_DAYS, type AppliedEvents } from './domain/applied-events';
import type { StoredActivity } from './domain/track-activity';

/**
 * The customers table's activity item as stored, parsed (never cast). Totals are exact digits; summaries written
 * before totals were kept as text hold numbers, read as the same digits.
 */
const totals = z.record(z.string(), z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform((total) => BigInt(total).toString())).default({});

const activityItem = z.object({
  version: z.number().int().nonnegative(),
  updatedAt: z.string().optional(),
  appliedEvents: z.object({ recent: z.record(z.string(), z.number().int()), markersUntil: z.string().optional() }).optional(),
  activity: z.object({
    customerId: z.string(),
    orderCount: z.number().int().default(0),
    refundCount: z.number().int().default(0),
    firstPurchaseAt: z.string().optional(),
    lastPurchaseAt: z.string().optional(),
    spentMinor: totals,
    refundedMinor: totals,
  }),
});

export function activityFromItem(customerId: string, item: unknown): CustomerActivity {
  return storedActivityFromItem(customerId, item).activity;
}

/**
 * The activity with the events it holds. An item written before events were kept in it relied on marker items
 * alone: those are consulted for as long as they live (RETENTION_DAYS after its last update).
 */
export function storedActivityFromItem(customerId: string, item: unknown): StoredActivity {
  const parsed = parseItem(activityItem, item, 'customer activity');
  const applied: AppliedEvents = parsed.appliedEvents ?? {
    recent: {},
    markersUntil: new Date(Date.parse(parsed.updatedAt ?? new Date().toISOString()) + RETENTION_DAYS * 86_400_000).toISOString(),
  };
  return { activity: { ...emptyActivity(customerId), ...parsed.activity, version: parsed.version }, applied };
}
