import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { safeParse } from 'zod/mini';
import type { $ZodType, output } from 'zod/v4/core';
import { createLogger } from '../logger';
import { accessProblem } from './access';
import { routeKey, type RouteContract } from './route';
import { fieldErrorsFromZod, HttpProblem, PROBLEM_CONTENT_TYPE, Problems } from './problem';
import { principalOf, tokenSettingsFromEnv, type Principal } from './principal';

export const DEFAULT_MAX_BODY_BYTES = 128 * 1024;

export interface HttpRequest<Body, Params> {
  readonly event: APIGatewayProxyEventV2;
  readonly principal: Principal;
  readonly body: Body;
  readonly params: Params;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The Lambda context: work that must finish before the response reads its remaining time here. */
  readonly context: Context;
}

export interface HttpResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The body is the base64 of bytes (a compressed asset, with its content-encoding header): sent as those bytes. */
  readonly isBase64Encoded?: true;
}

type ParsedEvent<Body, Params> = APIGatewayProxyEventV2 & { parsed?: { principal: Principal; body: Body; params: Params } };

export interface HttpHandlerOptions<Route extends RouteContract> {
  /** Names the service in logs. */
  readonly service: string;
  /** The route's contract: access, request schemas and response schemas. */
  readonly route: Route;
}

type Infer<S> = S extends $ZodType ? output<S> : undefined;
type BodyOf<Route> = Route extends RouteContract<$ZodType | undefined, $ZodType | undefined, infer Body> ? Infer<Body> : undefined;
type ParamsOf<Route> = Route extends RouteContract<infer Params, $ZodType | undefined, $ZodType | undefined> ? Infer<Params> : undefined;

const tokenSettings = tokenSettingsFromEnv();
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;
/**
 * Set by the local runtime (and so in every end-to-end test), never on AWS: each response is checked against its
 * route's declared schema, and a mismatch answers 500 — the contract the API docs are generated from stays true.
 */
const VALIDATE_RESPONSES = process.env.VALIDATE_RESPONSES === 'true';

/**
 * The HTTP middleware stack, composed once: logging with request correlation, authorization with the route
 * contract's access, JSON body and parameter validation with its schemas, and problem+json for every error. The
 * handler comes last and receives a typed, validated request.
 */
export function httpHandler<Route extends RouteContract>(
  options: HttpHandlerOptions<Route>,
  handle: (request: HttpRequest<BodyOf<Route>, ParamsOf<Route>>) => Promise<HttpResult>,
) {
  const logger = createLogger(options.service);
  const route = options.route;
  return middy<ParsedEvent<BodyOf<Route>, ParamsOf<Route>>, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemResponses(logger))
    .use(authorizeRoute(route))
    .use(parseRequest(route))
    .handler(async (event, context) => {
      const parsed = event.parsed;
      if (!parsed) throw new Error('request was not parsed');
      const result = await handle({
        event,
        principal: parsed.principal,
        body: parsed.body,
        params: parsed.params,
        query: event.queryStringParameters ?? {},
        context,
      });
      if (VALIDATE_RESPONSES) checkResponse(route, result);
      return jsonResponse(result);
    });
}

class ResponseContractError extends Error {
  override readonly name = 'ResponseContractError';
}

function checkResponse(route: RouteContract, result: HttpResult): void {
  if (!(result.status in route.responses)) throw new ResponseContractError(`${routeKey(route)} answered ${result.status}, which its contract does not declare`);
  const schema = route.responses[result.status];
  if (schema === null || schema === undefined) {
    if (result.body !== undefined) throw new ResponseContractError(`${routeKey(route)} answered ${result.status} with a body its contract does not declare`);
    return;
  }
  const checked = safeParse(schema, result.body);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).slice(0, 5);
    throw new ResponseContractError(`${routeKey(route)} ${result.status} response does not match its contract: ${issues.join('; ')}`);
  }
}

export function jsonResponse(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  // A page (text/html, with its own content type set by the handler) goes out as the text it is.
  const contentType = result.headers?.['content-type'];
  if (typeof result.body === 'string' && contentType !== undefined && !contentType.startsWith('application/json')) {
    return { statusCode: result.status, headers: { ...SECURITY_HEADERS, ...result.headers }, body: result.body, ...(result.isBase64Encoded ? { isBase64Encoded: true } : {}) };
  }
  return {
    statusCode: result.status,
    headers: {
      ...(result.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...SECURITY_HEADERS,
      ...result.headers,
    },
    ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
  };
}

export function problemResponse(problem: HttpProblem): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...SECURITY_HEADERS, ...problem.headers },
    body: JSON.stringify(problem.problem),
  };
}

function problemResponses(logger: ReturnType<typeof createLogger>): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    name: 'problemResponses',
    before: (request) => {
      logger.appendKeys({ routeKey: request.event.routeKey, requestId: request.event.requestContext?.requestId });
    },
    after: (request) => {
      // Route, status and request id are in the API access log already: not billed twice unless debugging.
      logger.debug('request handled', { status: request.response?.statusCode });
    },
    onError: (request) => {
      const error = request.error;
      if (error instanceof HttpProblem) {
        logger.info('request rejected', { status: error.problem.status, problemType: error.problem.type });
        request.response = problemResponse(error);
        return;
      }
      // Unexpected: log the error for operators, answer without internals.
      logger.error('request failed', error as Error);
      request.response = problemResponse(Problems.internal());
    },
  };
}

function authorizeRoute(route: RouteContract): MiddlewareObj<ParsedEvent<unknown, unknown>> {
  const expectedKey = routeKey(route);
  return {
    name: 'authorizeRoute',
    before: (request) => {
      const event = request.event;
      // API Gateway sends this function only its own route; anything else is a wiring mistake, never served.
      if (event.routeKey !== expectedKey) throw new Error(`This function serves ${expectedKey}, not ${event.routeKey}`);
      const principal = principalOf(event, tokenSettings);
      const problem = accessProblem(route.access, principal, event.pathParameters ?? {});
      if (problem) throw problem;
      event.parsed = { principal, body: undefined, params: undefined };
    },
  };
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseRequest(route: RouteContract): MiddlewareObj<ParsedEvent<unknown, unknown>> {
  const maxBodyBytes = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    name: 'parseRequest',
    before: (request) => {
      const event = request.event;
      const parsed = event.parsed ?? { principal: { kind: 'anonymous', reason: 'no credentials' }, body: undefined, params: undefined };
      if (route.params) {
        const result = safeParse(route.params, event.pathParameters ?? {});
        if (!result.success) throw Problems.validation(fieldErrorsFromZod(result.error, '/path'));
        parsed.params = result.data;
      }
      if (route.query) {
        const result = safeParse(route.query, event.queryStringParameters ?? {});
        if (!result.success) throw Problems.validation(fieldErrorsFromZod(result.error, '/query'));
      }
      if (route.body && METHODS_WITH_BODY.has(event.requestContext.http.method)) {
        parsed.body = parseJsonBody(event, route.body, maxBodyBytes);
      }
      event.parsed = parsed;
    },
  };
}

export function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function parseJsonBody(event: APIGatewayProxyEventV2, schema: $ZodType, maxBodyBytes: number): unknown {
  const bytes = rawBody(event);
  if (bytes.length > maxBodyBytes) throw Problems.payloadTooLarge(maxBodyBytes);
  const contentType = event.headers?.['content-type'];
  if (!isJsonContentType(contentType)) throw Problems.unsupportedMediaType(contentType);
  if (bytes.length === 0) throw Problems.malformedJson('The request body is empty');
  let text: string;
  try {
    // JSON is UTF-8 (RFC 8259): an invalid byte is the client's error, never silently replaced with U+FFFD.
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw Problems.malformedJson('The request body is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw Problems.malformedJson(`The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  const result = safeParse(schema, json);
  if (!result.success) throw Problems.validation(fieldErrorsFromZod(result.error));
  return result.data;
}

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const mediaType = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}
