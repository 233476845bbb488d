import { brotliDecompressSync } from 'node:zlib';
import { matchesIfNoneMatch } from '../../shared/http/conditional';
import { httpHandler } from '../../shared/http/stack';
import { getOpenApi as route } from './meta.routes';
import { OPENAPI_DOCUMENT_BR, OPENAPI_ETAG } from './openapi.generated';

/**
 * GET /v1/openapi.json: the OpenAPI description generated at build time (`npm run openapi` writes
 * openapi.generated.ts from infra/openapi.ts), so this function never imports the topology. Inflated once per
 * container; the same bytes and ETag for every request until the next deployment.
 */
const document: unknown = JSON.parse(brotliDecompressSync(Buffer.from(OPENAPI_DOCUMENT_BR, 'base64')).toString('utf8'));
const headers = { etag: OPENAPI_ETAG, 'cache-control': 'public, max-age=300' };

export const handler = httpHandler({ service: 'meta', route }, async ({ event }) => {
  if (matchesIfNoneMatch(event.headers?.['if-none-match'], OPENAPI_ETAG)) return { status: 304, headers };
  return { status: 200, headers, body: document };
});
