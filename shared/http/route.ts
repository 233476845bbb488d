import type { $ZodType } from 'zod/v4/core';
import type { Access, HttpMethod } from '../service/declarations';

/**
 * A route contract: everything a client may send and will get back, in one place. Schemas are zod's (classic, or
 * zod/mini where a small bundle matters: both are $ZodType). The handler is built from it
 * (httpHandler(route, ...) authorizes with its access and parses with its schemas); the service declaration binds
 * it to a function; the topology composes the declarations; API docs come from the schemas.
 */
export interface RouteContract<
  Params extends $ZodType | undefined = $ZodType | undefined,
  Query extends $ZodType | undefined = $ZodType | undefined,
  Body extends $ZodType | undefined = $ZodType | undefined,
> {
  readonly method: HttpMethod;
  /** API Gateway path syntax, e.g. /v1/purchases/{orderId}. */
  readonly path: string;
  readonly access: readonly Access[];
  readonly summary: string;
  readonly params?: Params;
  readonly query?: Query;
  /** The JSON body; when set, the body must be application/json and valid. */
  readonly body?: Body;
  /** Raw bodies (webhooks) are read by the handler; declare their limit here. */
  readonly maxBodyBytes?: number;
  /** Success responses by status code: the schema of the JSON body, or null for no body. Problems are implied. */
  readonly responses: Readonly<Record<number, $ZodType | null>>;
  /**
   * Readable by any origin (GET only; public routes only, checked by the composition). Served from the open API,
   * which has no CORS configuration, so the function's own `access-control-allow-origin: *` reaches the browser:
   * API Gateway ignores CORS headers returned by integrations on an API that has a CORS configuration, as the main
   * API does when origins are configured. The local runtime serves it on its one port without its CORS handling.
   */
  readonly openCors?: true;
}

export function defineRoute<
  const Params extends $ZodType | undefined = undefined,
  const Query extends $ZodType | undefined = undefined,
  const Body extends $ZodType | undefined = undefined,
>(route: RouteContract<Params, Query, Body>): RouteContract<Params, Query, Body> {
  return route;
}

/** API Gateway's route key: `GET /v1/health`; the catch-all route's path `$default` is its whole key. */
export function routeKey(route: { method: string; path: string }): string {
  return route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
}
