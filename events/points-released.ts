import * as z from 'zod';
import { defineEvent } from './contract';
import { balanceSnapshot as balance } from './loyalty-shared';

/** A purchase's pending points became available (its return window closed). */
export const PointsReleased = defineEvent({
  service: 'loyalty',
  detailType: 'PointsReleased',
  version: 1,
  data: z.object({
    customerId: z.string(),
    entryId: z.string(),
    points: z.number().int().nonnegative(),
    lotId: z.string(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    balance: balance,
  }),
  example: {
    customerId: 'cust-42',
    entryId: 'e-3',
    points: 150,
    lotId: 'order:store-1:order-1001',
    expiresAt: '2027-11-15T10:00:00.000Z',
    balance: { available: 150, pending: 0 },
  },
});
