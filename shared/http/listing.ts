import { DEFAULT_PAGE_SIZE, InvalidCursorError, pageQuerySchema, type Page } from '../domain/pagination';
import { fieldErrorsFromZod, Problems } from './problem';
import type { HttpResult } from './stack';

/**
 * A paginated listing: validates ?limit and ?cursor, loads one page, and answers { items, nextCursor? } — a foreign
 * or malformed cursor is a 400 naming query.cursor.
 */
export async function pagedListing<T>(
  query: Readonly<Record<string, string | undefined>>,
  load: (page: { limit: number; cursor?: string }) => Promise<Page<T>>,
  view: (item: T) => unknown,
  keep: (item: T) => boolean = () => true,
): Promise<HttpResult> {
  const page = pageQuerySchema.safeParse(query);
  if (!page.success) throw Problems.validation(fieldErrorsFromZod(page.error, '/query'));
  try {
    const result = await load({ limit: page.data.limit ?? DEFAULT_PAGE_SIZE, ...(page.data.cursor ? { cursor: page.data.cursor } : {}) });
    return { status: 200, body: { items: result.items.filter(keep).map(view), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) } };
  } catch (error) {
    if (error instanceof InvalidCursorError) throw Problems.validation([{ pointer: '/query/cursor', detail: 'is not a cursor from this listing' }]);
    throw error;
  }
}
