import { etagOf, matchesIfNoneMatch } from '../../shared/http/conditional';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { showWall } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { showWall as route } from './testimonials.routes';

testimonialsRepository();

/**
 * GET /v1/walls/{wallId}, public: what the widget shows. Read consistently (a withdrawal is gone from the next read);
 * caches may keep it 60 s, and revalidate with the ETag. Any origin may read it: CORS is open on GET here alone.
 */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, event }) => {
  const shown = await showWall(testimonialsRepository(), params.wallId);
  if (!shown) throw Problems.notFound(`No wall ${params.wallId}`);
  const body = { wallId: shown.wall.wallId, name: shown.wall.name, count: shown.entries.length, testimonials: shown.entries.map((entry) => ({ ...entry })) };
  const etag = etagOf(JSON.stringify(body));
  const headers = { etag, 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*', vary: 'accept-encoding' };
  if (matchesIfNoneMatch(event.headers?.['if-none-match'], etag)) return { status: 304, headers };
  return { status: 200, headers, body };
});
