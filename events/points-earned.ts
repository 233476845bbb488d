import * as z from 'zod';
import { defineEvent } from './contract';
import { balanceSnapshot as balance } from './loyalty-shared';

/** Points were awarded for a purchase (pending or available), with how they were computed. */
export const PointsEarned = defineEvent({
  service: 'loyalty',
  detailType: 'PointsEarned',
  version: 1,
  data: z.object({
    customerId: z.string(),
    entryId: z.string(),
    points: z.number().int().nonnegative(),
    status: z.enum(['pending', 'available']),
    storeId: z.string(),
    orderId: z.string(),
    programVersion: z.number().int().nonnegative(),
    availableAt: z.iso.datetime({ offset: true }),
    balance: balance,
  }),
  example: {
    customerId: 'cust-42',
    entryId: 'e-1',
    points: 150,
    status: 'pending',
    storeId: 'store-1',
    orderId: 'order-1001',
    programVersion: 1,
    availableAt: '2026-11-15T10:00:00.000Z',
    balance: { available: 0, pending: 150 },
  },
});
