import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { AuthorizerContext } from '../../shared/http/principal';

/** An API Gateway HTTP API payload 2.0 event, shaped as API Gateway (and the local gateway) builds it. */
export function apiEvent(options: {
  routeKey: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  authorizer?: AuthorizerContext;
}): APIGatewayProxyEventV2 {
  const [method] = options.routeKey.split(' ');
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const rawQueryString = options.query ? new URLSearchParams(options.query).toString() : '';
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path,
    rawQueryString,
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.local',
      domainPrefix: 'test',
      http: { method: method ?? 'GET', path: options.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: '22/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.now(),
      ...(options.authorizer ? { authorizer: { lambda: options.authorizer } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export function lambdaContext(name = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export async function call(handler: Handler, event: APIGatewayProxyEventV2): Promise<Response> {
  const result = await handler(event, lambdaContext());
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {},
  };
}

export const storefront = (storeId: string): AuthorizerContext => ({ principalType: 'storefront', storeId, keyId: 'ktest' });
export const customer = (customerId: string): AuthorizerContext => ({ principalType: 'customer', customerId });
export const marketer = (marketerId = 'm1'): AuthorizerContext => ({ principalType: 'marketer', marketerId });

/** Unique ids per test run, so tests sharing one DynamoDB Local never collide. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
