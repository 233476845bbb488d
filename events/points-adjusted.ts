import * as z from 'zod';
import { defineEvent } from './contract';
import { balanceSnapshot as balance } from './loyalty-shared';

/** A marketer added or removed points, with the reason. */
export const PointsAdjusted = defineEvent({
  service: 'loyalty',
  detailType: 'PointsAdjusted',
  version: 1,
  data: z.object({
    customerId: z.string(),
    entryId: z.string(),
    adjustmentId: z.string(),
    points: z.number().int(),
    reason: z.string(),
    by: z.string(),
    balance: balance,
  }),
  example: {
    customerId: 'cust-42',
    entryId: 'e-5',
    adjustmentId: 'goodwill-1',
    points: 100,
    reason: 'Late delivery',
    by: 'marketer:ana',
    balance: { available: 230, pending: 0 },
  },
});
