import * as z from 'zod';

/** Cursors are opaque to clients: base64url JSON of the store's last evaluated key. */
export function encodeCursor(lastEvaluatedKey: Record<string, unknown> | undefined): string | undefined {
  if (!lastEvaluatedKey) return undefined;
  return Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries = Object.entries(value);
    if (entries.length === 0 || entries.some(([, v]) => typeof v !== 'string')) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const pageQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .optional(),
  cursor: z.string().min(1).max(2048).optional(),
});

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** A cursor that is malformed or belongs to another listing (it may never reach another partition). */
export class InvalidCursorError extends Error {}

/**
 * The start key a listing's cursor stands for, refused (InvalidCursorError) unless it is of this listing: its key
 * `keyName` must be `keyValue`, so a cursor can never reach another partition.
 */
export function startKeyOf(cursor: string | undefined, keyName: string, keyValue: string): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  const start = decodeCursor(cursor);
  if (!start || start[keyName] !== keyValue) throw new InvalidCursorError('cursor does not belong to this listing');
  return start;
}
