import * as z from 'zod';
import { customerParams } from '../../shared/domain/identifiers';
import { timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';

/** The privacy API: a customer's data export (GDPR right of access). Erasure is DELETE /v1/customers/{customerId}. */
export const exportCustomer = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/export',
  access: ['customer', 'marketer'],
  summary: 'Everything every service holds about a customer, as one JSON document (each service contributes its sections)',
  params: customerParams,
  responses: {
    // The sections are the services' own (purchases, activity, loyalty, …): each service documents its part.
    200: z.looseObject({ customerId: z.string(), exportedAt: timestamp }),
  },
});
