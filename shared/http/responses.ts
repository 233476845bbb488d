import * as z from 'zod';
import { pageQuerySchema } from '../domain/pagination';

/** Building blocks of response schemas, shared by the services' route contracts. */
export const timestamp = z.iso.datetime({ offset: true });
/** A decimal string in major units, e.g. "404.95". */
export const decimalAmount = z.string().regex(/^-?\d+(\.\d+)?$/);
/** Integer minor units: a number while exact, a string of digits beyond 2^53 − 1. */
export const minorUnits = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]);
export const currencyCode = z.string().regex(/^[A-Z]{3}$/);

/** A page of a listing: `{ items, nextCursor? }`; its query is `?limit&cursor`. */
export function listingOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}
export const listingQuery = pageQuerySchema;
