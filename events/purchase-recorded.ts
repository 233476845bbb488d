import * as z from 'zod';
import { defineEvent } from './contract';

const lineItem = z.object({
  sku: z.string().optional(),
  category: z.string().optional(),
  quantity: z.number().int().positive(),
  unitPriceMinor: z.number().int().nonnegative().optional(),
});

/** A storefront recorded a paid purchase. Emitted once per store and order. */
export const PurchaseRecorded = defineEvent({
  service: 'purchases',
  detailType: 'PurchaseRecorded',
  version: 1,
  data: z.object({
    storeId: z.string(),
    orderId: z.string(),
    customerId: z.string(),
    email: z.string().optional(),
    amountMinor: z.number().int().positive(),
    currency: z.string().length(3),
    items: z.array(lineItem),
    occurredAt: z.iso.datetime({ offset: true }),
    recordedAt: z.iso.datetime({ offset: true }),
    referralCode: z.string().optional(),
    channel: z.string().optional(),
  }),
  example: {
    storeId: 'store-1',
    orderId: 'order-1001',
    customerId: 'cust-42',
    amountMinor: 40495,
    currency: 'USD',
    items: [{ sku: 'MUG-1', category: 'kitchen', quantity: 2, unitPriceMinor: 1250 }],
    occurredAt: '2026-11-01T10:00:00.000Z',
    recordedAt: '2026-11-01T10:00:01.000Z',
  },
});
