import type * as z from 'zod';

/**
 * Items read from a table are parsed, not cast: a stored item that no longer matches what the code expects (a
 * migration missed, a hand edit) fails loudly naming the item kind and field, instead of flowing on as a wrong type.
 */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

export function parseItem<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CorruptItemError(`Stored ${what} does not match its schema: ${issue ? `${issue.path.join('.') || '(item)'} ${issue.message}` : 'invalid'}`);
  }
  return result.data;
}
