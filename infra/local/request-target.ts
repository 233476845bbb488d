import type { IncomingMessage } from 'node:http';

/**
 * The request's URL, taken from its request-target as sent. `new URL('//host/v1/health', base)` would read `host` as
 * an authority and route `/v1/health`; API Gateway routes the path as sent, so `//host/v1/health` matches nothing.
 * Prefixing the origin keeps every leading slash in the path.
 */
export function requestUrl(request: Pick<IncomingMessage, 'url'>): URL {
  const target = request.url ?? '/';
  return new URL(`http://localhost${target.startsWith('/') ? target : `/${target}`}`);
}
