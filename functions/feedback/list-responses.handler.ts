import { DEFAULT_PAGE_SIZE, InvalidCursorError } from '../../shared/domain/pagination';
import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { listResponses } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';
import { listFeedbackResponses as route, listResponsesQuery } from './feedback.routes';

feedbackRepository();

/** One Query on the answers index (the kind's partition, or the kind and category's), never a Scan. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ query }) => {
  const parsed = listResponsesQuery.safeParse(query);
  if (!parsed.success) throw Problems.validation(fieldErrorsFromZod(parsed.error, '/query'));
  const { kind, category, from, to, limit, cursor } = parsed.data;
  try {
    const listed = await listResponses(feedbackRepository(), { kind, limit: limit ?? DEFAULT_PAGE_SIZE, ...(category ? { category } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(cursor ? { cursor } : {}) });
    if (listed.kind === 'invalid') throw Problems.validation([{ pointer: listed.pointer, detail: listed.detail }]);
    return { status: 200, body: { items: listed.items, ...(listed.nextCursor ? { nextCursor: listed.nextCursor } : {}) } };
  } catch (error) {
    if (error instanceof InvalidCursorError) throw Problems.validation([{ pointer: '/query/cursor', detail: 'is not a cursor from this listing' }]);
    throw error;
  }
});
