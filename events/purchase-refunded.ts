import * as z from 'zod';
import { defineEvent } from './contract';

/** A storefront refunded (part of) a purchase. Emitted once per store, order and refund id. */
export const PurchaseRefunded = defineEvent({
  service: 'purchases',
  detailType: 'PurchaseRefunded',
  version: 1,
  data: z.object({
    storeId: z.string(),
    orderId: z.string(),
    refundId: z.string(),
    customerId: z.string(),
    amountMinor: z.number().int().positive(),
    currency: z.string().length(3),
    /** The order's total and everything refunded so far including this refund, for proportional reversals. */
    purchaseAmountMinor: z.number().int().positive(),
    refundedTotalMinor: z.number().int().positive(),
    fullyRefunded: z.boolean(),
    reason: z.string().optional(),
    occurredAt: z.iso.datetime({ offset: true }),
  }),
  example: {
    storeId: 'store-1',
    orderId: 'order-1001',
    refundId: 'refund-1',
    customerId: 'cust-42',
    amountMinor: 1250,
    currency: 'USD',
    purchaseAmountMinor: 40495,
    refundedTotalMinor: 1250,
    fullyRefunded: false,
    occurredAt: '2026-11-02T10:00:00.000Z',
  },
});
