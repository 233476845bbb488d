import { etagOf, matchesIfNoneMatch } from '../../shared/http/conditional';
import { httpHandler } from '../../shared/http/stack';
import { docsPage, docsSecurityPolicy } from './docs-page';
import { getDocs as route } from './meta.routes';

/** GET /docs: the same page for everyone until the next deployment (it names the renderer's hashed file). */
const html = docsPage();
const etag = etagOf(html);
const headers = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': docsSecurityPolicy(),
  'referrer-policy': 'no-referrer',
  etag,
  'cache-control': 'public, max-age=300',
};

export const handler = httpHandler({ service: 'meta', route }, async ({ event }) => {
  if (matchesIfNoneMatch(event.headers?.['if-none-match'], etag)) return { status: 304, headers: { etag, 'cache-control': headers['cache-control'] } };
  return { status: 200, headers, body: html };
});
