import * as z from 'zod';
import { defineEvent } from './contract';

/** Points will expire soon: a reminder for the customer. */
export const PointsExpiringSoon = defineEvent({
  service: 'loyalty',
  detailType: 'PointsExpiringSoon',
  version: 1,
  data: z.object({
    customerId: z.string(),
    points: z.number().int().positive(),
    expiresAt: z.iso.datetime({ offset: true }),
    lotId: z.string(),
  }),
  example: {
    customerId: 'cust-42',
    points: 130,
    expiresAt: '2027-11-15T10:00:00.000Z',
    lotId: 'order:store-1:order-1001',
  },
});
