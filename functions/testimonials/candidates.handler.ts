import { now } from '../../shared/clock';
import { DEFAULT_PAGE_SIZE, encodeCursor, InvalidCursorError, startKeyOf } from '../../shared/domain/pagination';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { listCandidates } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { listCandidates as route } from './testimonials.routes';
import { candidateView } from './testimonials.views';

testimonialsRepository();

/** From the candidates index (kept by the consumers, highest score first), never a Scan; excluded-now ones are left out. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ query }) => {
  const at = now().toISOString();
  let start: Record<string, unknown> | undefined;
  try {
    start = startKeyOf(query.cursor, 'gsi4pk', 'CANDIDATES');
  } catch (error) {
    if (error instanceof InvalidCursorError) throw Problems.validation([{ pointer: '/query/cursor', detail: 'is not a cursor from this listing' }]);
    throw error;
  }
  const page = await listCandidates(testimonialsRepository(), query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE, start, at);
  const nextCursor = encodeCursor(page.cursor);
  return { status: 200, body: { items: page.items.map((item) => candidateView(item.profile, item.caseStudy, at)), ...(nextCursor ? { nextCursor } : {}) } };
});
