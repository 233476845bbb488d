import { matchesIfNoneMatch } from '../../shared/http/conditional';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { bodyFor, codingFor, etagFor, IMMUTABLE } from './docs-assets';
import { RENDERER } from './docs-renderer.generated';
import { getDocsAsset as route } from './meta.routes';

/** GET /docs/assets/{file}: the renderer script of GET /docs under its content-hashed name; any other name is 404. */
export const handler = httpHandler({ service: 'meta', route }, async ({ params, event }) => {
  if (params.file !== RENDERER.file) throw Problems.notFound(`No asset ${params.file}: the reference page's renderer is /docs/assets/${RENDERER.file}`);
  const coding = codingFor(event.headers?.['accept-encoding']);
  const etag = etagFor(coding);
  const cache = { etag, 'cache-control': IMMUTABLE, vary: 'accept-encoding' };
  if (matchesIfNoneMatch(event.headers?.['if-none-match'], etag)) return { status: 304, headers: cache };
  const headers = { ...cache, 'content-type': 'text/javascript; charset=utf-8', 'cross-origin-resource-policy': 'same-origin', ...(coding === 'identity' ? {} : { 'content-encoding': coding }) };
  if (coding === 'identity') return { status: 200, headers, body: bodyFor(coding) };
  return { status: 200, headers, body: bodyFor(coding), isBase64Encoded: true };
});
