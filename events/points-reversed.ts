import * as z from 'zod';
import { defineEvent } from './contract';
import { balanceSnapshot as balance } from './loyalty-shared';

/** Points of a refunded purchase were taken back (pending first, then available). */
export const PointsReversed = defineEvent({
  service: 'loyalty',
  detailType: 'PointsReversed',
  version: 1,
  data: z.object({
    customerId: z.string(),
    entryId: z.string(),
    points: z.number().int().nonnegative(),
    fromPending: z.number().int().nonnegative(),
    fromAvailable: z.number().int().nonnegative(),
    unrecoverable: z.number().int().nonnegative(),
    storeId: z.string(),
    orderId: z.string(),
    refundId: z.string(),
    balance: balance,
  }),
  example: {
    customerId: 'cust-42',
    entryId: 'e-2',
    points: 150,
    fromPending: 150,
    fromAvailable: 0,
    unrecoverable: 0,
    storeId: 'store-1',
    orderId: 'order-1001',
    refundId: 'refund-1',
    balance: { available: 0, pending: 0 },
  },
});
