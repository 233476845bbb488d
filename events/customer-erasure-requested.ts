import * as z from 'zod';
import { defineEvent } from './contract';

/** A customer's personal data must be erased everywhere (GDPR right to erasure). Every service handles it. */
export const CustomerErasureRequested = defineEvent({
  service: 'customers',
  detailType: 'CustomerErasureRequested',
  version: 1,
  data: z.object({
    requestId: z.string(),
    customerId: z.string(),
    requestedBy: z.string(),
    requestedAt: z.iso.datetime({ offset: true }),
  }),
  example: { requestId: 'erasure-1', customerId: 'cust-42', requestedBy: 'marketer:ana', requestedAt: '2026-11-22T10:00:00.000Z' },
});
