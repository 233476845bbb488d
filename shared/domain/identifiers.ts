import * as z from 'zod';

/**
 * Identifiers chosen by storefronts (order, customer, refund ids). They appear in URL paths and in
 * composite DynamoDB keys, so '/', '#' and whitespace are excluded.
 */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;

export const identifier = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .regex(IDENTIFIER_PATTERN, 'must be 1-128 characters: letters, digits and . _ : @ + - (starting with a letter or digit)');

/** The {customerId} path parameter every customer route shares. */
export const customerParams = z.object({ customerId: identifier });
