import { z } from 'zod';
import { defineEvent } from './contract';

/** One service finished erasing a customer's personal data (one confirmation per service and request). */
export const CustomerErased = defineEvent({
  service: 'privacy',
  detailType: 'CustomerErased',
  version: 1,
  data: z.object({
    requestId: z.string(),
    customerId: z.string(),
    service: z.enum(['purchases', 'customers', 'loyalty']),
    itemsErased: z.number().int().nonnegative(),
    erasedAt: z.iso.datetime({ offset: true }),
  }),
  example: { requestId: 'erasure-1', customerId: 'cust-42', service: 'purchases', itemsErased: 3, erasedAt: '2026-11-22T10:00:05.000Z' },
});
