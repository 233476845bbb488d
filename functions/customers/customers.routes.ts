import * as z from 'zod';
import { customerParams } from '../../shared/domain/identifiers';
import { currencyCode, decimalAmount, minorUnits, timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';

/** The customers API: activity summaries and erasure requests. */
export const activity = z.object({
  customerId: z.string(),
  orderCount: z.number().int(),
  refundCount: z.number().int(),
  firstPurchaseAt: timestamp.optional(),
  lastPurchaseAt: timestamp.optional(),
  spend: z.array(
    z.object({
      currency: currencyCode,
      spent: decimalAmount,
      spentMinor: minorUnits,
      refunded: decimalAmount,
      refundedMinor: minorUnits,
      net: decimalAmount,
      netMinor: minorUnits,
    }),
  ),
});

export const getCustomerActivity = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/activity',
  access: ['storefront', 'customer', 'marketer'],
  summary: "A customer's order and refund counts and spend per currency (an unknown customer has an empty summary)",
  params: customerParams,
  responses: { 200: activity },
});

export const requestCustomerErasure = defineRoute({
  method: 'DELETE',
  path: '/v1/customers/{customerId}',
  access: ['marketer'],
  summary: "Erase a customer's personal data in every service (accepted; each service confirms with CustomerErased)",
  params: customerParams,
  responses: {
    202: z.object({ requestId: z.uuid(), customerId: z.string(), status: z.literal('requested'), confirmations: z.string() }),
  },
});
