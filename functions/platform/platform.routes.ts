import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as z from 'zod/mini';
import { defineRoute } from '../../shared/http/route';

/**
 * The platform's routes: liveness, and the catch-all that answers unmatched requests. zod/mini: these functions
 * touch no dependency and their bundles stay under 100 KiB.
 */
export const health = defineRoute({
  method: 'GET',
  path: '/v1/health',
  access: ['public'],
  summary: 'Liveness: answers without touching any dependency',
  responses: { 200: z.object({ status: z.literal('ok'), service: z.literal('loyalty-loop'), time: z.iso.datetime({ offset: true }) }) },
});

/** API Gateway's $default route: whatever matches no declared route. It only ever answers a problem (404 or 405). */
export const unmatched = defineRoute({
  method: 'GET',
  path: '$default',
  access: ['public'],
  summary: 'Unmatched requests: problem+json 404 (unknown route) or 405 (wrong method, with Allow)',
  responses: {},
});

/**
 * The fallback learns the declared routes from its environment (set by the CDK app and the local runtime from the
 * topology), so it answers 405 for a known path without bundling the topology. The keys (`GET /v1/a,POST /v1/a`)
 * travel deflated and base64-encoded behind a `z1:` prefix: Lambda caps a function's environment at 4 KiB, and the
 * route list is highly repetitive (about a quarter of its size deflated).
 */
export const ROUTE_KEYS_VARIABLE = 'ROUTE_KEYS';
const DEFLATED = 'z1:';

export function encodeRouteKeys(keys: readonly string[]): string {
  return DEFLATED + deflateRawSync(Buffer.from(keys.join(','), 'utf8'), { level: 9 }).toString('base64');
}

export function decodeRouteKeys(value: string): { method: string; path: string }[] {
  const text = value.startsWith(DEFLATED) ? inflateRawSync(Buffer.from(value.slice(DEFLATED.length), 'base64')).toString('utf8') : value;
  return text.split(',').map((key) => {
    const [method = '', path = ''] = key.split(' ');
    return { method, path };
  });
}
