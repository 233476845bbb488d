import { etagOf, matchesIfNoneMatch } from '../../shared/http/conditional';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE } from './testimonials.context';
import { wallWidget as route } from './testimonials.routes';
import { wallWidgetScript } from './widget/widget-script';

/** The widget is built once per container: the same bytes and ETag for every request. */
const script = wallWidgetScript();
const etag = etagOf(script);
export const WIDGET_FILE = 'loyalty-wall.js';

/** GET /w/loyalty-wall.js: the embeddable wall widget (also built to dist/widget/ for any static host). */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, event }) => {
  if (params.file !== WIDGET_FILE) throw Problems.notFound(`No widget file ${params.file}; the widget is /w/${WIDGET_FILE}`);
  const headers = { 'content-type': 'text/javascript; charset=utf-8', etag, 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' };
  if (matchesIfNoneMatch(event.headers?.['if-none-match'], etag)) return { status: 304, headers };
  return { status: 200, headers, body: script };
});
