import { etagOf, matchesIfNoneMatch } from '../../shared/http/conditional';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { rewardsWidget as route } from './loyalty.routes';
import { REWARDS_LOADER_NAME, rewardsWidgetFile } from './widget/widget-script';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The loader: a release reaches storefronts within five minutes, and a revalidation is a 304 of a few bytes. */
const LOADER_CACHE = 'public, max-age=300';

/** ETags computed once per container, per file. */
const etags = new Map<string, string>();

/** GET /l/{file}: the customer rewards widget — its loader by the stable name, the script by its content-hashed name. */
export const handler = httpHandler({ service: 'loyalty', route }, async ({ params, event }) => {
  const served = rewardsWidgetFile(params.file);
  if (served === undefined) throw Problems.notFound(`No widget file ${params.file}; the rewards widget is /l/${REWARDS_LOADER_NAME}`);
  let etag = etags.get(params.file);
  if (etag === undefined) {
    etag = etagOf(served.body);
    etags.set(params.file, etag);
  }
  // Any origin may load it (a module script is a CORS request): the open API passes this header through.
  const headers = { 'content-type': 'text/javascript; charset=utf-8', etag, 'cache-control': served.immutable ? IMMUTABLE : LOADER_CACHE, 'access-control-allow-origin': '*' };
  if (matchesIfNoneMatch(event.headers?.['if-none-match'], etag)) return { status: 304, headers };
  return { status: 200, headers, body: served.body };
});
