import * as z from 'zod';
import { defineEvent } from './contract';

/** A customer's tier changed (upgrade on qualifying spend, or downgrade on review). */
export const TierChanged = defineEvent({
  service: 'loyalty',
  detailType: 'TierChanged',
  version: 1,
  data: z.object({
    customerId: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    direction: z.enum(['up', 'down']),
    qualifyingSpendMinor: z.number().int().nonnegative(),
    currency: z.string().length(3),
  }),
  example: {
    customerId: 'cust-42',
    from: 'Bronze',
    to: 'Silver',
    direction: 'up',
    qualifyingSpendMinor: 52000,
    currency: 'USD',
  },
});
