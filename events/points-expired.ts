import * as z from 'zod';
import { defineEvent } from './contract';
import { balanceSnapshot as balance } from './loyalty-shared';

/** Available points expired (oldest first). */
export const PointsExpired = defineEvent({
  service: 'loyalty',
  detailType: 'PointsExpired',
  version: 1,
  data: z.object({
    customerId: z.string(),
    entryId: z.string(),
    points: z.number().int().positive(),
    lotId: z.string(),
    balance: balance,
  }),
  example: {
    customerId: 'cust-42',
    entryId: 'e-4',
    points: 20,
    lotId: 'order:store-1:order-1001',
    balance: { available: 130, pending: 0 },
  },
});
