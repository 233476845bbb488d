import * as z from 'zod';
import { defineEvent } from './contract';

/** A service name as services declare it (functions/<service>/service.ts). */
const SERVICE_NAME = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * One service finished erasing a customer's personal data (one confirmation per service and request).
 * Version 2 names the service freely: every service holding personal data confirms its own erasure, and a new
 * service must not have to change a published contract to do so.
 */
export const CustomerErased = defineEvent({
  service: 'privacy',
  detailType: 'CustomerErased',
  version: 2,
  data: z.object({
    requestId: z.string(),
    customerId: z.string(),
    service: z.string().regex(SERVICE_NAME, 'must be a service name'),
    itemsErased: z.number().int().nonnegative(),
    erasedAt: z.iso.datetime({ offset: true }),
  }),
  example: { requestId: 'erasure-1', customerId: 'cust-42', service: 'referrals', itemsErased: 3, erasedAt: '2026-11-22T10:00:05.000Z' },
});

/**
 * Version 1, still readable (events already published, consumers that still ask for it): its services were a closed
 * list. Every v1 payload is also a valid v2 payload.
 */
export const CustomerErasedV1 = defineEvent({
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
