import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { toJSONSchema, type $ZodType } from 'zod/v4/core';
import type { EventContract } from '../events/contract';
import { DELIVERABLE_EVENTS } from '../events/deliverable';
import { DEFAULT_MAX_BODY_BYTES } from '../shared/http/stack';
import { activity } from '../functions/customers/customers.routes';
import { feedbackEntry } from '../functions/feedback/feedback.routes';
import { purchase } from '../functions/purchases/purchases.routes';
import { referralCodeView, referralView } from '../functions/referrals/referrals.routes';
import { candidateView, testimonialView, wallEntryView } from '../functions/testimonials/testimonials.routes';
import { timestamp } from '../shared/http/responses';
import type { ComposedRoute, ComposedTopology } from './compose';
import { authorizerKindFor, routeKey, type AuthorizerKind } from './topology-types';
import { topology as appTopology } from './topology';

/**
 * The OpenAPI 3.1 description of the API, generated at build time (`npm run openapi`, infra/openapi-build.ts) from
 * what the code already declares, so it cannot drift from it:
 * - every route of the topology, with its access (security), its path, query and body schemas (zod's JSON Schema of
 *   the request *input*: what a client sends) and every declared response (the *output* schemas: what we send);
 * - the problem+json errors each operation can answer: those the HTTP stack raises (shared/http/stack.ts: 400 when
 *   it validates something, 413 and 415 with a JSON body, 401/403 with the access, 500), those API Gateway answers
 *   with its own `{"message"}` body (infra/local/http-gateway.ts reproduces them), and those the handler's own
 *   modules raise, found by a scan of the modules it imports for `Problems.*(...)` calls — a status some path of
 *   that code can raise (ROUTE_EXTRAS.notRaised removes, saying why, the few a route cannot reach);
 * - the event contracts (events/) in the `webhooks` section, as the Standard Webhooks envelope they will be sent in.
 *
 * What a zod schema cannot say in JSON Schema is handled deliberately: refinements and transforms are not expressible
 * and are left out (the API still enforces them, and a 400 names the field), and a type with no JSON Schema at all
 * (none today) becomes `{}` with a note, through the `unrepresentable` handler, instead of failing the build. Headers
 * the route contracts do not declare (Idempotency-Key, Location, ETag) and the media types of text bodies come from
 * ROUTE_EXTRAS below, which the unit test keeps in step with the topology.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

type Json = Record<string, unknown>;

export const OPENAPI_VERSION = '3.1.0';
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
export const SECURITY_SCHEMES = {
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A storefront API key, `llk_<keyId>_<secret>` (`npx loyalty keys create`)' },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A customer or marketer ID token (Cognito on AWS; `npx loyalty token` locally). Customers act only on their own `{customerId}`.',
  },
} as const;

/** The security requirement of each authorizer kind (infra/topology-types.ts): alternatives, any one suffices. */
export function securityFor(kind: AuthorizerKind): Record<string, string[]>[] {
  switch (kind) {
    case 'none':
      return [];
    case 'apiKey':
      return [{ apiKey: [] }];
    case 'jwt':
      return [{ bearer: [] }];
    case 'credentials':
      return [{ apiKey: [] }, { bearer: [] }];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON Schema from zod

/** A zod type with no JSON Schema equivalent (a Date, a bigint, a custom check) is documented as "anything". */
function unrepresentable(context: { path: (string | number)[]; message: string }) {
  return { description: `Not expressible in JSON Schema (${context.message}); the API validates it.` };
}

/** zod's JSON Schema of a request (`input`: before transforms and defaults) or response (`output`) schema. */
export function jsonSchemaOf(schema: $ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...json } = toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable, reused: 'inline' }) as Json;
  return json;
}

const fieldError = z.object({
  pointer: z.string().describe('JSON pointer to the field at fault: into the body, or /path/…, /query/…, /headers/… for parameters'),
  detail: z.string(),
});
const problem = z.looseObject({
  type: z.string().describe('A stable URN per kind of problem: urn:loyalty-loop:problem:<slug> (the README lists them)'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(fieldError).optional(),
});
const validationProblem = problem.extend({ errors: z.array(fieldError).min(1) });
const gatewayMessage = z.object({ message: z.string() });

const COMPONENT_SCHEMAS = {
  FieldError: jsonSchemaOf(fieldError, 'output'),
  Problem: { ...jsonSchemaOf(problem, 'output'), description: 'RFC 9457 problem details (application/problem+json); extension members may follow the kind of problem.' },
  ValidationProblem: {
    ...jsonSchemaOf(validationProblem, 'output'),
    description: 'A 400: validation-error (`errors[]` names every field at fault) or malformed-json (one error, pointer "").',
  },
  GatewayMessage: {
    ...jsonSchemaOf(gatewayMessage, 'output'),
    description: "API Gateway's own answer, before or instead of any function (e.g. {\"message\":\"Unauthorized\"}).",
  },
};
const ref = (name: keyof typeof COMPONENT_SCHEMAS) => ({ $ref: `#/components/schemas/${name}` });

/**
 * Schemas the services share, named: wherever zod's JSON Schema of a request or response contains exactly one of
 * these, the document refers to the component instead (a typed client gets named types, and the document is a
 * third of the size).
 */
const NAMED_SCHEMAS: Readonly<Record<string, $ZodType>> = {
  DateTime: timestamp,
  Purchase: purchase,
  CustomerActivity: activity,
  FeedbackEntry: feedbackEntry,
  ReferralCode: referralCodeView,
  Referral: referralView,
  Testimonial: testimonialView,
  WallEntry: wallEntryView,
  CaseStudyCandidate: candidateView,
};

/** The named components, and each one's JSON text (output io: the views are responses), to find them by. */
function namedComponents(): { schemas: Record<string, Json>; byText: Map<string, string> } {
  const raw = Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, jsonSchemaOf(schema, 'output')] as const);
  const byText = new Map(raw.map(([name, json]) => [JSON.stringify(json), name]));
  // A component refers to the others too (a Purchase's timestamps are DateTimes), never to itself.
  const schemas = Object.fromEntries(raw.map(([name, json]) => [name, withRefs(json, byText, name)]));
  return { schemas, byText };
}

/** The schema with every subschema equal to a named component replaced by a $ref to it. */
function withRefs(json: Json, byText: ReadonlyMap<string, string>, self?: string): Json {
  const visit = (value: unknown, top: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => visit(item, false));
    if (value === null || typeof value !== 'object') return value;
    const name = byText.get(JSON.stringify(value));
    if (name !== undefined && !(top && name === self)) return { $ref: `#/components/schemas/${name}` };
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, visit(child, false)]));
  };
  return visit(json, true) as Json;
}

// ---------------------------------------------------------------------------------------------------------------
// What the route contracts do not declare

interface RouteExtras {
  /** The media type of a string body, by status (pages, scripts). */
  readonly media?: Readonly<Record<number, string>>;
  readonly requestHeaders?: readonly Json[];
  readonly responseHeaders?: Readonly<Record<number, Readonly<Record<string, Json>>>>;
  /** A raw body read by the handler (signed webhooks): its media types. */
  readonly rawBody?: readonly string[];
  /** Statuses the scan finds in imported modules that this route answers only inside a 200 body. */
  readonly notRaised?: { readonly statuses: readonly number[]; readonly why: string };
}

const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });
const ifNoneMatch = { name: 'if-none-match', in: 'header', required: false, description: 'An ETag from an earlier answer: 304 when nothing changed', schema: { type: 'string' } };
const cached = (maxAge: number) => ({ etag: header('The version of the body; send it back in If-None-Match'), 'cache-control': header(`public, max-age=${maxAge}`) });
const immutable = {
  etag: header('The version of the body in this encoding; send it back in If-None-Match'),
  'cache-control': header('public, max-age=31536000, immutable: the file name changes with its content'),
  vary: header('accept-encoding'),
};
/** The purchases module webhooks record through also holds the storefront routes' guard (403), which they never call. */
const webhookNotRaised = { statuses: [403], why: "purchases.context's storefront guard, which only the storefront routes call" };
const signature = (name: string, required = true) => ({ name, in: 'header', required, description: "The platform's signature over the raw body, with the store's webhook secret", schema: { type: 'string' } });

export const ROUTE_EXTRAS: Readonly<Record<string, RouteExtras>> = {
  'GET /s/{token}': { media: { 200: 'text/html', 404: 'text/html', 410: 'text/html' } },
  'GET /t/{token}': { media: { 200: 'text/html', 404: 'text/html', 410: 'text/html' } },
  'GET /w/{file}': { media: { 200: 'text/javascript' }, requestHeaders: [ifNoneMatch], responseHeaders: { 200: cached(300), 304: cached(300) } },
  'GET /l/{file}': {
    media: { 200: 'text/javascript' },
    requestHeaders: [ifNoneMatch],
    responseHeaders: {
      200: { etag: header('The version of the body; send it back in If-None-Match'), 'cache-control': header('public, max-age=300 for loyalty-rewards.js (the loader); public, max-age=31536000, immutable for the content-hashed script it imports') },
      304: { etag: header('The version of the body'), 'cache-control': header('As for 200') },
    },
  },
  'GET /v1/walls/{wallId}': { requestHeaders: [ifNoneMatch], responseHeaders: { 200: cached(60), 304: cached(60) } },
  'GET /v1/openapi.json': { requestHeaders: [ifNoneMatch], responseHeaders: { 200: cached(300), 304: cached(300) } },
  'GET /docs': { media: { 200: 'text/html' }, requestHeaders: [ifNoneMatch], responseHeaders: { 200: cached(300), 304: cached(300) } },
  'GET /docs/assets/{file}': {
    media: { 200: 'text/javascript' },
    requestHeaders: [ifNoneMatch, { name: 'accept-encoding', in: 'header', required: false, description: 'br, then gzip, is answered when accepted; otherwise the plain script', schema: { type: 'string' } }],
    responseHeaders: {
      200: { ...immutable, 'content-encoding': header('br or gzip, as Accept-Encoding allows (absent for the plain script)', { type: 'string', enum: ['br', 'gzip'] }) },
      304: immutable,
    },
  },
  'GET /r/{code}': { responseHeaders: { 302: { location: header("The merchant's landing page, with the referral code") } } },
  'POST /v1/purchases': { responseHeaders: { 201: { location: header('The purchase: /v1/purchases/{orderId}') } } },
  'POST /v1/rewards': { responseHeaders: { 201: { location: header('The reward: /v1/rewards/{rewardId}') } } },
  'POST /v1/customers/{customerId}/redemptions': {
    requestHeaders: [
      { name: 'idempotency-key', in: 'header', required: true, description: 'A unique key per redemption attempt (1–128 printable ASCII characters), scoped to the caller: a retry with it answers the original', schema: { type: 'string', minLength: 1, maxLength: 128 } },
    ],
    responseHeaders: { 201: { location: header('The redemption: /v1/redemptions/{redemptionId}'), 'idempotent-replayed': header('"true" when this answers a retry', { type: 'string', const: 'true' }) } },
  },
  'POST /v1/webhooks/shopify/{storeId}': {
    rawBody: ['application/json'],
    requestHeaders: [signature('x-shopify-hmac-sha256'), { name: 'x-shopify-topic', in: 'header', required: false, schema: { type: 'string' } }],
    notRaised: webhookNotRaised,
  },
  'POST /v1/webhooks/stripe/{storeId}': { rawBody: ['application/json'], requestHeaders: [signature('stripe-signature')], notRaised: webhookNotRaised },
  'POST /v1/webhooks/woocommerce/{storeId}': {
    rawBody: ['application/json', 'application/x-www-form-urlencoded'],
    requestHeaders: [signature('x-wc-webhook-signature', false), { name: 'x-wc-webhook-topic', in: 'header', required: false, schema: { type: 'string' } }],
    notRaised: webhookNotRaised,
  },
  'POST /v1/adjustments/batch': { notRaised: { statuses: [409, 422, 503], why: 'each item answers its own problem inside the 200 results' } },
};

// ---------------------------------------------------------------------------------------------------------------
// Which problems a handler's own code raises

const PROBLEM_STATUS: Readonly<Record<string, number>> = {
  validation: 400,
  malformedJson: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  conflict: 409,
  gone: 410,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  unprocessable: 422,
  internal: 500,
  unavailable: 503,
};
const FIXED_SLUG: Readonly<Record<string, string>> = {
  validation: 'validation-error',
  malformedJson: 'malformed-json',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not-found',
  methodNotAllowed: 'method-not-allowed',
  payloadTooLarge: 'payload-too-large',
  unsupportedMediaType: 'unsupported-media-type',
  internal: 'internal-error',
};
/**
 * The stack's own modules: what they raise is derived from the route contract instead (actorOf's 401 is for an
 * anonymous principal, which the access check has refused before any handler runs).
 */
const STACK_MODULES = new Set(['shared/http/stack.ts', 'shared/http/problem.ts', 'shared/http/access.ts', 'shared/http/actor.ts']);

function resolveModule(from: string, specifier: string): string | undefined {
  const base = resolve(root, dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return relative(root, candidate);
  }
  return undefined;
}

/** The repository modules an entry imports, transitively (relative imports of .ts modules). */
export function modulesOf(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(join(root, file), 'utf8');
    for (const match of source.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)) {
      const target = resolveModule(file, match[1] as string);
      if (target && !seen.has(target)) pending.push(target);
    }
  }
  return [...seen].sort();
}

/** Status → problem type slugs (when written literally) the handler's own modules can raise. */
export function raisedProblems(entry: string): Map<number, Set<string>> {
  const raised = new Map<number, Set<string>>();
  const add = (status: number, slug: string | undefined) => {
    const slugs = raised.get(status) ?? new Set<string>();
    if (slug) slugs.add(slug);
    raised.set(status, slugs);
  };
  for (const file of modulesOf(entry)) {
    if (STACK_MODULES.has(file)) continue;
    const source = readFileSync(join(root, file), 'utf8');
    for (const match of source.matchAll(/Problems\.(\w+)\(\s*(?:'([a-z0-9-]+)')?/g)) {
      const kind = match[1] as string;
      const status = PROBLEM_STATUS[kind];
      if (status === undefined) throw new Error(`${file}: Problems.${kind} has no status in infra/openapi.ts PROBLEM_STATUS`);
      add(status, FIXED_SLUG[kind] ?? match[2]);
    }
    for (const match of source.matchAll(/new HttpProblem\(\{\s*type: problemType\('([a-z0-9-]+)'\)[^}]*?status: (\d{3})/g)) {
      add(Number(match[2]), match[1]);
    }
  }
  return raised;
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

function reason(status: number): string {
  return STATUS_CODES[status] ?? `Status ${status}`;
}

function accessText(route: ComposedRoute): string {
  if (route.access.includes('public')) return 'Public: no credentials.';
  const who = route.access.map((access) => (access === 'customer' ? (route.path.includes('{customerId}') ? 'the customer (only their own {customerId})' : 'a customer') : access === 'storefront' ? 'a storefront (API key)' : 'a marketer'));
  return `Who may call: ${who.join(', ')}.`;
}

function parametersOf(route: ComposedRoute): Json[] {
  const { contract } = route;
  const parameters: Json[] = [];
  const pathNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
  const pathSchema = contract.params ? jsonSchemaOf(contract.params, 'input') : undefined;
  const pathProperties = (pathSchema?.properties ?? {}) as Record<string, Json>;
  for (const name of pathNames) parameters.push({ name, in: 'path', required: true, schema: pathProperties[name] ?? { type: 'string' } });
  for (const name of Object.keys(pathProperties)) if (!pathNames.includes(name)) throw new Error(`${routeKey(route)}: parameter ${name} is not in the path`);
  if (contract.query) {
    const querySchema = jsonSchemaOf(contract.query, 'input');
    const required = new Set((querySchema.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((querySchema.properties ?? {}) as Record<string, Json>)) {
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  return [...parameters, ...(ROUTE_EXTRAS[routeKey(route)]?.requestHeaders ?? [])];
}

function requestBodyOf(route: ComposedRoute): Json | undefined {
  const { contract } = route;
  const extras = ROUTE_EXTRAS[routeKey(route)];
  const limit = contract.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (contract.body && METHODS_WITH_BODY.has(route.method)) {
    return { required: true, description: `JSON, at most ${limit} bytes.`, content: { 'application/json': { schema: jsonSchemaOf(contract.body, 'input') } } };
  }
  if (extras?.rawBody) {
    return {
      required: true,
      description: `The platform's delivery as sent, read raw (its signature covers the exact bytes; ids beyond 2^53 are read losslessly), at most ${limit} bytes.`,
      content: Object.fromEntries(extras.rawBody.map((media) => [media, { schema: {} }])),
    };
  }
  if (contract.maxBodyBytes !== undefined) throw new Error(`${routeKey(route)} reads a raw body: declare its media types in infra/openapi.ts ROUTE_EXTRAS`);
  return undefined;
}

interface ResponseParts {
  description: string[];
  content: Record<string, { schema: Json }>;
  headers?: Readonly<Record<string, Json>>;
}

function responsesOf(route: ComposedRoute, entry: string): Json {
  const { contract } = route;
  const key = routeKey(route);
  const extras = ROUTE_EXTRAS[key];
  const responses = new Map<number, ResponseParts>();
  const part = (status: number) => {
    const existing = responses.get(status);
    if (existing) return existing;
    const created: ResponseParts = { description: [], content: {} };
    responses.set(status, created);
    return created;
  };

  for (const [code, schema] of Object.entries(contract.responses)) {
    const status = Number(code);
    const response = part(status);
    response.description.push(reason(status));
    const headers = extras?.responseHeaders?.[status];
    if (headers) response.headers = headers;
    if (schema === null) continue;
    const json = jsonSchemaOf(schema, 'output');
    if (json.type === 'string') {
      const media = extras?.media?.[status];
      if (!media) throw new Error(`${key} answers ${status} with a string: declare its media type in infra/openapi.ts ROUTE_EXTRAS`);
      response.content[media] = { schema: json };
    } else {
      response.content['application/json'] = { schema: json };
    }
  }

  const problemAt = (status: number, why: string, slugs: Iterable<string> = [], schema: Json = ref(status === 400 ? 'ValidationProblem' : 'Problem')) => {
    const response = part(status);
    const types = [...slugs].sort();
    response.description.push(types.length > 0 ? `${why} (problem types: ${types.map((slug) => `\`${slug}\``).join(', ')})` : why);
    response.content[PROBLEM_MEDIA_TYPE] = { schema };
  };
  const gatewayAt = (status: number, why: string) => {
    const response = part(status);
    response.description.push(why);
    response.content['application/json'] ??= { schema: ref('GatewayMessage') };
  };

  const raised = raisedProblems(entry);
  for (const status of extras?.notRaised?.statuses ?? []) {
    if (!raised.delete(status)) throw new Error(`${key}: ROUTE_EXTRAS.notRaised lists ${status}, which its modules no longer raise: remove it`);
  }
  const raisedSlugs = (status: number) => raised.get(status) ?? new Set<string>();
  const hasJsonBody = contract.body !== undefined && METHODS_WITH_BODY.has(route.method);
  const validates = contract.params !== undefined || contract.query !== undefined || hasJsonBody;

  // 400: the stack's validation of params, query and body; and the handler's own checks.
  if (validates || raised.has(400)) {
    const slugs = new Set([...(validates ? ['validation-error'] : []), ...(hasJsonBody ? ['malformed-json'] : []), ...raisedSlugs(400)]);
    problemAt(400, 'The request is not valid: every field at fault is named by its JSON pointer', slugs);
  }
  // 401 and 403: who answers depends on the authorizer (README, Identity and roles).
  const kind = authorizerKindFor(route.access);
  if (kind === 'apiKey') {
    gatewayAt(401, 'No x-api-key header (API Gateway)');
    gatewayAt(403, 'The API key is unknown, revoked or malformed (the authorizer, through API Gateway)');
  } else if (kind === 'jwt') {
    gatewayAt(401, 'No valid bearer token: missing, expired, or of another issuer or audience (the JWT authorizer)');
    problemAt(403, 'The caller may not use this route, or a customer asks about another customer', ['forbidden']);
  } else if (kind === 'credentials') {
    problemAt(401, 'Neither a valid API key nor a valid bearer token', ['unauthorized']);
    gatewayAt(403, 'The API key is unknown, revoked or malformed (the authorizer, through API Gateway)');
    problemAt(403, 'The caller may not use this route, or a customer asks about another customer', ['forbidden']);
  }
  for (const status of [401, 403]) {
    if (raised.has(status)) problemAt(status, status === 401 ? 'Not authenticated' : 'Not allowed', raisedSlugs(status));
  }
  for (const [status, why] of [
    [404, 'Not found'],
    [405, 'Method not allowed'],
    [409, 'Conflict with the current state'],
    [410, 'Gone'],
    [422, 'Well-formed but refused'],
  ] as const) {
    if (raised.has(status)) problemAt(status, why, raisedSlugs(status));
  }
  // 413: the stack's limit on a JSON body (or the handler's on a raw one), and API Gateway's 10 MB.
  const limit = contract.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (hasJsonBody || raised.has(413)) problemAt(413, `The body is over ${limit} bytes`, ['payload-too-large']);
  if (hasJsonBody || extras?.rawBody) gatewayAt(413, 'The request is over 10 MB (API Gateway)');
  if (hasJsonBody) problemAt(415, 'The body is not sent as application/json', ['unsupported-media-type']);
  problemAt(500, 'Our fault: nothing was changed and the request can be retried', ['internal-error']);
  gatewayAt(500, 'The function failed without answering (API Gateway)');
  if (raised.has(503)) problemAt(503, 'Not available now; send it again', raisedSlugs(503));
  gatewayAt(503, 'The function timed out (API Gateway)');

  return Object.fromEntries(
    [...responses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, response]) => [
        String(status),
        {
          description: response.description.join('; '),
          ...(response.headers ? { headers: response.headers } : {}),
          ...(Object.keys(response.content).length > 0 ? { content: response.content } : {}),
        },
      ]),
  );
}

function operationOf(route: ComposedRoute, entry: string): Json {
  const { contract } = route;
  const parameters = parametersOf(route);
  const requestBody = requestBodyOf(route);
  return {
    operationId: route.function,
    tags: [route.service],
    summary: contract.summary,
    description: accessText(route),
    security: securityFor(authorizerKindFor(route.access)),
    'x-access': [...route.access],
    ...(route.openCors
      ? {
          servers: [
            {
              url: '{openApiUrl}',
              description: 'Readable by any origin: on AWS the open API (stack output OpenApiUrl); locally the same port as everything else',
              variables: { openApiUrl: { default: 'http://127.0.0.1:3000', description: 'The stack output OpenApiUrl on AWS' } },
            },
          ],
        }
      : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responsesOf(route, entry),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Events

export interface EventSource {
  /** The module declaring it, from the repository root. */
  readonly module: string;
  /** Its JSDoc, as one paragraph. */
  readonly description: string;
}

/** Where each event contract is declared, and its JSDoc (read from events/*.ts). */
export function eventSources(): Map<string, EventSource> {
  const sources = new Map<string, EventSource>();
  const directory = join(root, 'events');
  for (const name of readdirSync(directory).filter((file) => file.endsWith('.ts')).sort()) {
    const source = readFileSync(join(directory, name), 'utf8');
    // A JSDoc right before the contract (a comment never contains its closing */), and the contract's body.
    const pattern = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?export const \w+ = defineEvent\(\{([\s\S]*?)\n\}\);/g;
    // Events declared without their own JSDoc are described by the module's (the first JSDoc after the imports).
    const moduleDoc = /^(?:import [^\n]*\n|\s)*\/\*\*((?:(?!\*\/)[\s\S])*)\*\//.exec(source)?.[1];
    for (const match of source.matchAll(pattern)) {
      const body = match[2] as string;
      const detailType = /detailType: '(\w+)'/.exec(body)?.[1];
      const eventVersion = /version: (\d+)/.exec(body)?.[1];
      if (!detailType || !eventVersion) continue;
      const description = (match[1] ?? moduleDoc ?? '')
        .split('\n')
        .map((line) => line.replace(/^\s*\*\s?/, '').trim())
        .filter(Boolean)
        .join(' ');
      sources.set(`${detailType}@${eventVersion}`, { module: `events/${name}`, description });
    }
  }
  return sources;
}

export const eventKey = (event: Pick<EventContract, 'detailType' | 'version'>) => `${event.detailType}@${event.version}`;

/** The name of an event in the webhooks section: the detail-type, with `.v<version>` for an older version still produced. */
export function webhookName(event: EventContract, events: readonly EventContract[]): string {
  const newest = Math.max(...events.filter((known) => known.detailType === event.detailType).map((known) => known.version));
  return event.version === newest ? event.detailType : `${event.detailType}.v${event.version}`;
}

export function producerOf(topology: ComposedTopology, event: EventContract): string {
  const service = topology.services.find((candidate) => (candidate.produces ?? []).includes(event));
  if (!service) throw new Error(`no service produces ${eventKey(event)}`);
  return service.name;
}

export function consumersOf(topology: ComposedTopology, event: EventContract): { service: string; rule: string; function: string }[] {
  return topology.services.flatMap((service) =>
    (service.subscriptions ?? []).filter((subscription) => subscription.event === event).map((subscription) => ({ service: service.name, rule: subscription.name, function: subscription.function })),
  );
}

const EXAMPLE_TIMESTAMP = '2026-11-01T10:00:00.000Z';

/** The Standard Webhooks headers every delivery carries. */
const WEBHOOK_HEADERS: Json[] = [
  { name: 'webhook-id', in: 'header', required: true, description: 'The message id (msg_…): the same on every retry and replay; receivers deduplicate on it', schema: { type: 'string' } },
  { name: 'webhook-timestamp', in: 'header', required: true, description: "This attempt's time, in Unix seconds: reject it more than 5 minutes away from your clock", schema: { type: 'string', pattern: '^[0-9]+$' } },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description: 'Space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, one per valid secret (two during a rotation), keyed with the base64-decoded part of your whsec_ secret',
    schema: { type: 'string' },
  },
];

function webhookOf(topology: ComposedTopology, event: EventContract, sources: Map<string, EventSource>): Json {
  const source = sources.get(eventKey(event));
  const data = jsonSchemaOf(event.dataSchema, 'output');
  // Parsing the example proves it valid; what is sent is the parsed output.
  const example = event.dataSchema.parse(event.example);
  const consumers = consumersOf(topology, event).map((consumer) => consumer.service);
  return {
    post: {
      operationId: `webhook${event.detailType}V${event.version}`,
      tags: ['events'],
      summary: `${event.detailType} v${event.version}, from ${producerOf(topology, event)}`,
      description: [
        source?.description ?? '',
        `EventBridge source \`${event.source}\`, detail-type \`${event.detailType}\`, version ${event.version}; consumed inside Loyalty Loop by ${consumers.length > 0 ? [...new Set(consumers)].join(', ') : 'no service yet'}.`,
        'Delivered to the webhook endpoints subscribed to it (`POST /v1/webhook-endpoints`), signed per Standard Webhooks: the body is the envelope `{type, timestamp, data}` (timestamp: when the event occurred), the headers carry the message id (the same on every retry: deduplicate on it), the attempt\'s Unix time and the signatures.',
      ]
        .filter(Boolean)
        .join('\n\n'),
      'x-event': { source: event.source, detailType: event.detailType, version: event.version },
      parameters: WEBHOOK_HEADERS,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                type: { type: 'string', const: event.detailType },
                timestamp: { type: 'string', format: 'date-time' },
                data,
              },
              required: ['type', 'timestamp', 'data'],
            },
            example: { type: event.detailType, timestamp: EXAMPLE_TIMESTAMP, data: example },
          },
        },
      },
      responses: {
        '2XX': { description: 'Received: any 2xx acknowledges the delivery' },
        '410': { description: 'Gone: the endpoint is disabled and nothing more is sent to it' },
        default: { description: 'Anything else (3xx included: redirects are not followed, and timeouts after 15 s) is retried: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h' },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The document

export function openApiDocument(topology: ComposedTopology = appTopology): Json {
  const operationIds = topology.routes.map((route) => route.function);
  for (const id of new Set(operationIds)) if (operationIds.filter((other) => other === id).length > 1) throw new Error(`function ${id} serves more than one route: operationIds must be unique`);
  for (const key of Object.keys(ROUTE_EXTRAS)) if (!topology.routes.some((route) => routeKey(route) === key)) throw new Error(`infra/openapi.ts ROUTE_EXTRAS names ${key}, which is not a route`);

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of [...topology.routes].sort((a, b) => a.path.localeCompare(b.path))) {
    const entry = topology.functions[route.function]?.entry;
    if (!entry) throw new Error(`${routeKey(route)}: no function ${route.function}`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route, entry);
  }
  const sources = eventSources();
  const webhooks = Object.fromEntries(
    [...topology.events]
      .filter((event) => (DELIVERABLE_EVENTS as readonly EventContract[]).includes(event))
      .sort((a, b) => a.detailType.localeCompare(b.detailType) || b.version - a.version)
      .map((event) => [webhookName(event, topology.events), webhookOf(topology, event, sources)]),
  );

  const named = namedComponents();
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Loyalty Loop',
      version,
      summary: 'Serverless loyalty and advocacy microservices: purchases, points, tiers, rewards, referrals, feedback and testimonials',
      description: [
        'Generated by `npm run openapi` from the route contracts (zod request and response schemas, access) and the event contracts; do not edit.',
        'Errors are `application/problem+json` (RFC 9457); API Gateway answers some requests itself with `{"message"}`. Amounts come as decimal text and integer minor units.',
        'Refinements and transforms of the zod schemas (cross-field checks, known currencies, dates not in the future) are not expressible in JSON Schema: the API enforces them and a 400 names the field.',
        'The `webhooks` section describes the events a webhook endpoint can subscribe to, as they are delivered (Standard Webhooks); the privacy events between our own services are not delivered.',
      ].join('\n\n'),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    servers: [
      { url: '/', description: 'The API serving this document' },
      { url: 'http://127.0.0.1:3000', description: 'The local runtime (npm start)' },
    ],
    tags: [
      ...topology.services.filter((service) => (service.routes ?? []).length > 0).map((service) => ({ name: service.name, description: service.description })),
      { name: 'events', description: 'Event contracts (events/), as outbound webhook payloads; see docs/events.md' },
    ],
    paths: withRefs(paths, named.byText),
    webhooks: withRefs(webhooks, named.byText),
    components: { schemas: { ...COMPONENT_SCHEMAS, ...named.schemas }, securitySchemes: SECURITY_SCHEMES },
  };
}
