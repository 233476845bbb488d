import * as z from 'zod';
import { defineEvent } from './contract';
import { balanceSnapshot as balance } from './loyalty-shared';

/** A customer spent points on a reward and received a coupon. */
export const RewardRedeemed = defineEvent({
  service: 'loyalty',
  detailType: 'RewardRedeemed',
  version: 1,
  data: z.object({
    customerId: z.string(),
    entryId: z.string(),
    redemptionId: z.string(),
    rewardId: z.string(),
    pointsSpent: z.number().int().positive(),
    couponCode: z.string(),
    balance: balance,
  }),
  example: {
    customerId: 'cust-42',
    entryId: 'e-6',
    redemptionId: 'r-1',
    rewardId: 'ten-off',
    pointsSpent: 100,
    couponCode: 'LL-ABCD-EFGH-JKLM-NPQR',
    balance: { available: 130, pending: 0 },
  },
});
