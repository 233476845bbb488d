import * as z from 'zod';
import { now } from '../../shared/clock';
import { currencyCode, decimalAmount, listingOf, listingQuery, minorUnits, timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';
import { customerParams, orderParams, recordPurchaseBody, refundBody } from './purchase.schema';

/** The purchases API: its contracts (request and response schemas, access) in one place. */
const refund = z.object({
  refundId: z.string(),
  orderId: z.string(),
  amount: decimalAmount,
  amountMinor: z.number().int(),
  currency: currencyCode,
  reason: z.string().optional(),
  createdAt: timestamp,
});

const heldRefund = z.object({
  refundId: z.string(),
  orderId: z.string(),
  status: z.literal('held'),
  amount: z.string(),
  reason: z.string().optional(),
  receivedAt: timestamp,
  detail: z.string(),
});

export const purchase = z.object({
  storeId: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  email: z.string().optional(),
  amount: decimalAmount,
  amountMinor: z.number().int(),
  currency: currencyCode,
  items: z.array(
    z.object({
      sku: z.string().optional(),
      category: z.string().optional(),
      quantity: z.number().int(),
      unitPrice: decimalAmount.optional(),
      unitPriceMinor: minorUnits.optional(),
    }),
  ),
  occurredAt: timestamp,
  recordedAt: timestamp,
  referralCode: z.string().optional(),
  channel: z.string().optional(),
  refundedAmount: decimalAmount,
  refundedAmountMinor: z.number().int(),
  refunds: z.array(refund).optional(),
});

export const recordPurchase = defineRoute({
  method: 'POST',
  path: '/v1/purchases',
  access: ['storefront'],
  summary: 'Record a purchase (idempotent on orderId per store: the same body replays, a different one conflicts)',
  body: recordPurchaseBody(now),
  responses: { 201: purchase, 200: purchase },
});

export const getPurchase = defineRoute({
  method: 'GET',
  path: '/v1/purchases/{orderId}',
  access: ['storefront'],
  summary: "One of the calling store's purchases, with its refunds",
  params: orderParams,
  responses: { 200: purchase },
});

export const refundPurchase = defineRoute({
  method: 'POST',
  path: '/v1/purchases/{orderId}/refunds',
  access: ['storefront'],
  summary: 'Refund part or all of a purchase (idempotent on refundId); held (202) until an unknown order arrives',
  params: orderParams,
  body: refundBody,
  responses: { 201: refund, 200: refund, 202: heldRefund },
});

export const listCustomerPurchases = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/purchases',
  access: ['storefront', 'customer', 'marketer'],
  summary: "A customer's purchases, newest first (a storefront sees its own store's)",
  params: customerParams,
  query: listingQuery,
  responses: { 200: listingOf(purchase) },
});
