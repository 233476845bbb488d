import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import { emptyActivity, type CustomerActivity } from './domain/activity';

/**
 * The customers table's activity item as stored, parsed (never cast). Totals are exact digits; summaries written
 * before totals were kept as text hold numbers, read as the same digits.
 */
const totals = z.record(z.string(), z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform((total) => BigInt(total).toString())).default({});

const activityItem = z.object({
  version: z.number().int().nonnegative(),
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
  const { version, activity } = parseItem(activityItem, item, 'customer activity');
  return { ...emptyActivity(customerId), ...activity, version };
}
