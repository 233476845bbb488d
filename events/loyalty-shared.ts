import * as z from 'zod';

/** The customer's balance right after the change an event announces. */
export const balanceSnapshot = z.object({ available: z.number().int(), pending: z.number().int().nonnegative() });
