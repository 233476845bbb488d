import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.generated.js';

/**
 * @loyalty-loop/client: a typed client for the Loyalty Loop API. The types are generated from the API's OpenAPI 3.1
 * description (`npm run openapi` writes ./schema.generated.ts with openapi-typescript); the runtime is openapi-fetch,
 * a thin wrapper around fetch. Paths, parameters, bodies, responses and errors are checked by the compiler:
 *
 *   const loyalty = createLoyaltyClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.LOYALTY_KEY });
 *   const { data, error } = await loyalty.POST('/v1/purchases', { body: { orderId: '1001', customerId: 'cust-42', amount: '404.95', currency: 'USD' } });
 */

export type { components, operations, paths, webhooks } from './schema.generated.js';

/** Every schema the document names: `Schemas['Purchase']`, `Schemas['Problem']`, … */
export type Schemas = components['schemas'];
/** RFC 9457 problem details: every error a Loyalty Loop function answers (`application/problem+json`). */
export type Problem = Schemas['Problem'];
/** A 400: `validation-error` (every field at fault in `errors`) or `malformed-json`. */
export type ValidationProblem = Schemas['ValidationProblem'];
export type FieldError = Schemas['FieldError'];
/** API Gateway's own answer before any function runs (401 without credentials, 403 for a bad key, 413, 503). */
export type GatewayMessage = Schemas['GatewayMessage'];

/** Problem types are `urn:loyalty-loop:problem:<slug>`; the README's Errors table lists the slugs. */
export const PROBLEM_TYPE_PREFIX = 'urn:loyalty-loop:problem:';

/** A credential, or a function asked before every request (to refresh a token); `undefined` sends none. */
export type Credential = string | (() => string | undefined | Promise<string | undefined>);

export interface LoyaltyClientOptions {
  /** The API's URL: `http://127.0.0.1:3000` locally; on AWS the stack output ApiUrl (OpenApiUrl for the wall and its widget). */
  readonly baseUrl: string;
  /** A storefront API key (`npx loyalty keys create`), sent as `x-api-key`. */
  readonly apiKey?: Credential;
  /** A customer or marketer ID token (Cognito; `npx loyalty token` locally), sent as `Authorization: Bearer <token>`. */
  readonly token?: Credential;
  /** A fetch of your own (tests, proxies, retries). It receives a `Request`. Default: `globalThis.fetch`. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request, e.g. `{ 'user-agent': 'my-shop/1.0' }`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** openapi-fetch's client over the API's paths: `GET`, `POST`, `PUT`, `DELETE`, … each typed by path. */
export type LoyaltyClient = Client<paths>;

export function createLoyaltyClient(options: LoyaltyClientOptions): LoyaltyClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: { ...options.headers } } : {}),
  });
  const credentials: Middleware = {
    async onRequest({ request }) {
      const [apiKey, token] = await Promise.all([valueOf(options.apiKey), valueOf(options.token)]);
      if (apiKey !== undefined) request.headers.set('x-api-key', apiKey);
      if (token !== undefined) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(credentials);
  return client;
}

async function valueOf(credential: Credential | undefined): Promise<string | undefined> {
  return typeof credential === 'function' ? await credential() : credential;
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.type === 'string' && typeof candidate.title === 'string' && typeof candidate.status === 'number' && typeof candidate.detail === 'string';
}

export function isValidationProblem(value: unknown): value is ValidationProblem {
  return isProblem(value) && Array.isArray(value.errors);
}

export function isGatewayMessage(value: unknown): value is GatewayMessage {
  return typeof value === 'object' && value !== null && !isProblem(value) && typeof (value as Record<string, unknown>).message === 'string';
}

/** `validation-error`, `order-conflict`, …: the problem's type without the URN prefix. */
export function problemSlug(problem: Problem): string {
  return problem.type.startsWith(PROBLEM_TYPE_PREFIX) ? problem.type.slice(PROBLEM_TYPE_PREFIX.length) : problem.type;
}

/** Thrown by `unwrap` for any answer that is not 2xx, with the problem the API sent. */
export class LoyaltyApiError extends Error {
  override readonly name = 'LoyaltyApiError';
  readonly status: number;
  /** The problem+json body: every error a Loyalty Loop function answers has one. */
  readonly problem: Problem | undefined;
  /** API Gateway's `{"message"}` when it answered before any function (401 without credentials, 403 for a bad key). */
  readonly gatewayMessage: string | undefined;
  readonly response: Response;

  constructor(response: Response, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    const gatewayMessage = isGatewayMessage(body) ? body.message : undefined;
    super(problem ? `${problem.status} ${problem.title}: ${problem.detail}` : `${response.status} ${gatewayMessage ?? (response.statusText || 'error')}`);
    this.status = response.status;
    this.problem = problem;
    this.gatewayMessage = gatewayMessage;
    this.response = response;
  }

  /** The problem's slug (`validation-error`, `order-conflict`, …), if the API sent a problem. */
  get type(): string | undefined {
    return this.problem ? problemSlug(this.problem) : undefined;
  }

  /** The fields at fault, by JSON pointer (`/amount`, `/path/customerId`, …). */
  get fieldErrors(): readonly FieldError[] {
    return this.problem?.errors ?? [];
  }
}

interface FetchResult {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}
/** The success body of a client call: the member of its result union that has no error. */
export type SuccessData<Result> = Result extends { error?: never } ? Result extends { data: infer Data } ? Data : undefined : never;

/**
 * The success body of a call, or a `LoyaltyApiError` thrown with its problem — for code that prefers exceptions to
 * `{ data, error }`: `const balance = await unwrap(loyalty.GET('/v1/customers/{customerId}/loyalty', { params }))`.
 */
export async function unwrap<Result extends FetchResult>(call: Result | Promise<Result>): Promise<SuccessData<Result>> {
  const result = await call;
  if (!result.response.ok) throw new LoyaltyApiError(result.response, result.error);
  return result.data as SuccessData<Result>;
}
