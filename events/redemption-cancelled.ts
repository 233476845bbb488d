import * as z from 'zod';
import { defineEvent } from './contract';
import { balanceSnapshot as balance } from './loyalty-shared';

/** An unused redemption was cancelled and its points given back. */
export const RedemptionCancelled = defineEvent({
  service: 'loyalty',
  detailType: 'RedemptionCancelled',
  version: 1,
  data: z.object({
    customerId: z.string(),
    entryId: z.string(),
    redemptionId: z.string(),
    rewardId: z.string(),
    pointsReturned: z.number().int().positive(),
    by: z.string(),
    balance: balance,
  }),
  example: {
    customerId: 'cust-42',
    entryId: 'e-7',
    redemptionId: 'r-1',
    rewardId: 'ten-off',
    pointsReturned: 100,
    by: 'customer',
    balance: { available: 230, pending: 0 },
  },
});
