import { randomUUID } from 'node:crypto';
import { LruCache } from './lru-cache';
import { requestUrl } from './request-target';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { compileRoutes } from '../../shared/http/route-matching';
import { authorizerKindFor, routeKey as routeKeyOf, type Access, type AuthorizerKind } from '../topology-types';
import { maskEmailsInPath } from '../../shared/logger';
import { errorFields, runtimeLog } from './log';

/**
 * API Gateway HTTP API, as the functions see it: payload format 2.0 events (lowercased headers, comma-joined
 * repeats, cookies apart, queryStringParameters absent when empty, base64 for non-text bodies), authorizers
 * run as API Gateway runs them (a missing identity source is 401 without calling the authorizer,
 * `isAuthorized: false` is 403, results cached per identity value), and responses mapped as API Gateway
 * maps them — including its own bare `{"message": ...}` bodies for its own errors.
 */
export interface GatewayRoute {
  readonly method: string;
  readonly path: string;
  readonly function: string;
  readonly access: readonly Access[];
  /** Served from the open API on AWS (no CORS configuration): the runtime's CORS handling never applies to it. */
  readonly openCors?: boolean;
}

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  readonly fallbackFunction: string;
  readonly authorizerFunction: string;
  readonly apiKeyCacheSeconds: number;
  readonly jwt: { issuer: string; audience: string; jwks: () => { keys: JWK[] } };
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  readonly now: () => Date;
  readonly integrationTimeoutMs: number;
  /**
   * CORS as API Gateway applies it when the API has a CORS configuration (answering preflights, allow-listing origins,
   * ignoring the functions' own CORS headers); absent = none of that. Never applied to openCors routes.
   */
  readonly cors?: { origins: readonly string[]; allowHeaders: readonly string[]; allowMethods: readonly string[]; exposeHeaders: readonly string[]; maxAgeSeconds: number };
}

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** How many API keys' authorizer answers the local gateway keeps (least recently used first out). */
export const AUTHORIZER_CACHE_ENTRIES = 5_000;

export class HttpGateway {
  private readonly match: ReturnType<typeof compileRoutes<GatewayRoute>>;
  /** Cached authorizer answers per API key, bounded (see AUTHORIZER_CACHE_ENTRIES). */
  private readonly authorizerCache: LruCache<AuthorizerResult>;
  private jwks: ReturnType<typeof createLocalJWKSet> | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.authorizerCache = new LruCache(AUTHORIZER_CACHE_ENTRIES, options.apiKeyCacheSeconds * 1000);
    this.match = compileRoutes(options.routes);
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const url = requestUrl(request);
    const method = (request.method ?? 'GET').toUpperCase();
    const rawPath = url.pathname;
    const found = this.match(method, rawPath);
    const route = found.kind === 'matched' ? found.route : undefined;
    const routeKey = route ? routeKeyOf(route) : '$default';
    let status = 500;
    const origin = request.headers.origin;
    // One port serves both APIs. Open-CORS routes live on the open API on AWS, which has no CORS configuration: no
    // preflight answers, no allow-list, the function's own headers reach the browser. A preflight belongs to the open
    // API when the request it announces does.
    const announced = method === 'OPTIONS' ? request.headers['access-control-request-method'] : undefined;
    const announcedRoute = typeof announced === 'string' ? this.match(announced.toUpperCase(), rawPath) : undefined;
    const openApi = route?.openCors === true || (announcedRoute?.kind === 'matched' && announcedRoute.route.openCors === true);
    const cors = openApi ? undefined : this.options.cors;
    const allowedOrigin = cors && origin && (cors.origins.includes(origin) || cors.origins.includes('*')) ? origin : undefined;
    if (cors && allowedOrigin) {
      response.setHeader('access-control-allow-origin', allowedOrigin);
      response.setHeader('access-control-expose-headers', cors.exposeHeaders.join(','));
      response.setHeader('vary', 'origin');
    }
    // With CORS configured, API Gateway answers preflight requests itself, before any route or authorizer.
    if (cors && method === 'OPTIONS' && request.headers['access-control-request-method']) {
      status = 204;
      if (allowedOrigin) {
        response.setHeader('access-control-allow-methods', cors.allowMethods.join(','));
        response.setHeader('access-control-allow-headers', cors.allowHeaders.join(','));
        response.setHeader('access-control-max-age', String(cors.maxAgeSeconds));
      }
      runtimeLog('INFO', 'gateway', 'request', { method, path: maskEmailsInPath(rawPath), routeKey: 'preflight', status, requestId });
      return send(response, 204, {}, Buffer.alloc(0), requestId);
    }
    try {
      if (body.length > MAX_PAYLOAD_BYTES) {
        status = 413;
        return send(response, 413, { 'content-type': 'application/json' }, Buffer.from('{"message":"Request Entity Too Large"}'), requestId);
      }
      const event = buildEvent(request, url, body, {
        routeKey,
        requestId,
        pathParameters: found.kind === 'matched' ? found.pathParameters : undefined,
        now: this.options.now(),
      });
      const kind: AuthorizerKind = route ? authorizerKindFor(route.access) : 'none';
      const authorization = await this.authorize(kind, event);
      if (authorization.status !== 200) {
        status = authorization.status;
        const message = authorization.status === 401 ? 'Unauthorized' : authorization.status === 403 ? 'Forbidden' : 'Internal Server Error';
        return send(response, status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ message })), requestId);
      }
      if (authorization.authorizer) (event.requestContext as unknown as Record<string, unknown>).authorizer = authorization.authorizer;
      const functionName = route ? route.function : this.options.fallbackFunction;
      const result = await withTimeout(this.options.invoke(functionName, event), this.options.integrationTimeoutMs);
      const mapped = mapResult(result);
      // With a CORS configuration, API Gateway ignores CORS headers returned by the integration.
      if (cors) for (const name of Object.keys(mapped.headers)) if (name.startsWith('access-control-')) delete mapped.headers[name];
      status = mapped.status;
      send(response, mapped.status, mapped.headers, mapped.body, requestId, mapped.cookies);
    } catch (error) {
      const timedOut = error instanceof IntegrationTimeout || /timed out/i.test((error as Error).message ?? '');
      status = timedOut ? 503 : 500;
      runtimeLog('ERROR', 'gateway', 'integration failed', { routeKey, requestId, ...errorFields(error) });
      send(
        response,
        status,
        { 'content-type': 'application/json' },
        Buffer.from(JSON.stringify({ message: timedOut ? 'Service Unavailable' : 'Internal Server Error' })),
        requestId,
      );
    } finally {
      runtimeLog('INFO', 'gateway', 'request', { method, path: maskEmailsInPath(rawPath), routeKey, status, requestId, durationMs: Math.round(performance.now() - started) });
    }
  }

  private async authorize(kind: AuthorizerKind, event: APIGatewayProxyEventV2): Promise<{ status: number; authorizer?: unknown }> {
    switch (kind) {
      case 'none':
        return { status: 200 };
      case 'jwt':
        return this.authorizeJwt(event);
      case 'apiKey': {
        const apiKey = event.headers['x-api-key'];
        if (!apiKey) return { status: 401 };
        const cached = this.authorizerCache.get(apiKey);
        if (cached) return authorizerOutcome(cached);
        const result = await this.invokeAuthorizer(event, [apiKey]);
        if (this.options.apiKeyCacheSeconds > 0) this.authorizerCache.set(apiKey, result);
        return authorizerOutcome(result);
      }
      case 'credentials':
        // No identity source and no cache: the authorizer sees every request.
        return authorizerOutcome(await this.invokeAuthorizer(event, []));
    }
  }

  private async authorizeJwt(event: APIGatewayProxyEventV2): Promise<{ status: number; authorizer?: unknown }> {
    const header = event.headers.authorization;
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) return { status: 401 };
    try {
      // The local issuer's keys do not change while the runtime runs: one key set for every request.
      this.jwks ??= createLocalJWKSet(this.options.jwt.jwks());
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.options.jwt.issuer,
        audience: this.options.jwt.audience,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
        currentDate: this.options.now(),
      });
      // API Gateway hands claims over as strings, arrays flattened to "[a b]".
      const claims = Object.fromEntries(
        Object.entries(payload).map(([key, value]) => [key, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]),
      );
      return { status: 200, authorizer: { jwt: { claims, scopes: null }, principalId: '', integrationLatency: 0 } };
    } catch {
      return { status: 401 };
    }
  }

  private async invokeAuthorizer(event: APIGatewayProxyEventV2, identitySource: string[]): Promise<AuthorizerResult> {
    const authorizerEvent: APIGatewayRequestAuthorizerEventV2 = {
      version: '2.0',
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${event.requestContext.http.method}${event.rawPath}`,
      identitySource,
      routeKey: event.routeKey,
      rawPath: event.rawPath,
      rawQueryString: event.rawQueryString,
      ...(event.cookies ? { cookies: event.cookies } : {}),
      headers: event.headers as Record<string, string>,
      ...(event.queryStringParameters ? { queryStringParameters: event.queryStringParameters as Record<string, string> } : {}),
      requestContext: event.requestContext,
      ...(event.pathParameters ? { pathParameters: event.pathParameters as Record<string, string> } : {}),
    } as APIGatewayRequestAuthorizerEventV2;
    try {
      const result = (await this.options.invoke(this.options.authorizerFunction, authorizerEvent)) as AuthorizerResult;
      if (typeof result?.isAuthorized !== 'boolean') return { error: true };
      return result;
    } catch {
      return { error: true };
    }
  }
}

type AuthorizerResult = { isAuthorized: boolean; context?: Record<string, unknown> } | { error: true; isAuthorized?: undefined };

function authorizerOutcome(result: AuthorizerResult): { status: number; authorizer?: unknown } {
  if ('error' in result) return { status: 500 };
  if (!result.isAuthorized) return { status: 403 };
  return { status: 200, authorizer: { lambda: result.context ?? {} } };
}

class IntegrationTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new IntegrationTimeout('integration timed out')), ms);
    }),
  ]);
}

const TEXT_TYPES = /^(text\/[^;]+|application\/(json|[a-z0-9.+-]+\+json|xml|[a-z0-9.+-]+\+xml|javascript))(;.*)?$/i;

export function buildEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  context: { routeKey: string; requestId: string; pathParameters?: Record<string, string>; now: Date },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (!values || name === 'cookie') continue;
    headers[name.toLowerCase()] = values.join(',');
  }
  const cookieHeader = request.headersDistinct.cookie?.join('; ');
  const cookies = cookieHeader ? cookieHeader.split(/;\s*/).filter(Boolean) : undefined;
  const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : '';
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || (TEXT_TYPES.test(contentType) && isValidUtf8(body));
  const method = (request.method ?? 'GET').toUpperCase();
  const epoch = context.now.getTime();
  return {
    version: '2.0',
    routeKey: context.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: '$default',
      time: clfTime(context.now),
      timeEpoch: epoch,
    },
    ...(context.pathParameters && Object.keys(context.pathParameters).length > 0 ? { pathParameters: context.pathParameters } : {}),
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

interface MappedResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  cookies: string[];
}

export function mapResult(result: unknown): MappedResult {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as { statusCode: number; headers?: Record<string, unknown>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
    const body = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
    return { status: structured.statusCode, headers, body, cookies: structured.cookies ?? [] };
  }
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text), cookies: [] };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: Buffer, requestId: string, cookies: string[] = []): void {
  if (response.headersSent) return;
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (cookies.length > 0) response.setHeader('set-cookie', cookies);
  response.setHeader('apigw-requestid', requestId);
  response.setHeader('content-length', body.length);
  response.end(body);
}

function isValidUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's requestContext.time format: "22/Nov/2026:09:30:40 +0000". */
function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTH_NAMES[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
