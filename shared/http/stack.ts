import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { createLogger } from '../logger';
import { accessProblem, declaredAccess } from './access';
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
}

type ParsedEvent<Body, Params> = APIGatewayProxyEventV2 & { parsed?: { principal: Principal; body: Body; params: Params } };

export interface HttpHandlerOptions<BodySchema extends z.ZodType | undefined, ParamsSchema extends z.ZodType | undefined> {
  /** Names the service in logs. */
  readonly service: string;
  /** Schema of the JSON body; when set, the body must be application/json and valid. */
  readonly body?: BodySchema;
  /** Schema of the path parameters. */
  readonly params?: ParamsSchema;
  readonly maxBodyBytes?: number;
}

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

const tokenSettings = tokenSettingsFromEnv();
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

/**
 * The HTTP middleware stack, composed once: logging with request correlation, route authorization from the
 * topology, JSON body parsing and validation, and problem+json for every error. The handler comes last and
 * receives a typed, validated request.
 */
export function httpHandler<
  BodySchema extends z.ZodType | undefined = undefined,
  ParamsSchema extends z.ZodType | undefined = undefined,
>(
  options: HttpHandlerOptions<BodySchema, ParamsSchema>,
  handle: (request: HttpRequest<Infer<BodySchema>, Infer<ParamsSchema>>) => Promise<HttpResult>,
) {
  const logger = createLogger(options.service);
  return middy<ParsedEvent<Infer<BodySchema>, Infer<ParamsSchema>>, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemResponses(logger))
    .use(authorizeRoute())
    .use(parseRequest(options))
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
      return jsonResponse(result);
    });
}

export function jsonResponse(result: HttpResult): APIGatewayProxyStructuredResultV2 {
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
      logger.info('request handled', { status: request.response?.statusCode });
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

function authorizeRoute(): MiddlewareObj<ParsedEvent<unknown, unknown>> {
  return {
    name: 'authorizeRoute',
    before: (request) => {
      const event = request.event;
      const access = declaredAccess(event.routeKey);
      if (!access) throw Problems.forbidden(`Route ${event.routeKey} has no access declaration`);
      const principal = principalOf(event, tokenSettings);
      const problem = accessProblem(access, principal, event.pathParameters ?? {});
      if (problem) throw problem;
      event.parsed = { principal, body: undefined, params: undefined };
    },
  };
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseRequest(options: HttpHandlerOptions<z.ZodType | undefined, z.ZodType | undefined>): MiddlewareObj<ParsedEvent<unknown, unknown>> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    name: 'parseRequest',
    before: (request) => {
      const event = request.event;
      const parsed = event.parsed ?? { principal: { kind: 'anonymous', reason: 'no credentials' }, body: undefined, params: undefined };
      if (options.params) {
        const result = options.params.safeParse(event.pathParameters ?? {});
        if (!result.success) throw Problems.validation(fieldErrorsFromZod(result.error, '/path'));
        parsed.params = result.data;
      }
      if (options.body && METHODS_WITH_BODY.has(event.requestContext.http.method)) {
        parsed.body = parseJsonBody(event, options.body, maxBodyBytes);
      }
      event.parsed = parsed;
    },
  };
}

export function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function parseJsonBody(event: APIGatewayProxyEventV2, schema: z.ZodType, maxBodyBytes: number): unknown {
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
  const result = schema.safeParse(json);
  if (!result.success) throw Problems.validation(fieldErrorsFromZod(result.error));
  return result.data;
}

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const mediaType = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}
