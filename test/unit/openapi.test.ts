import { DELIVERABLE_EVENTS } from '../../events/deliverable';
import { readFileSync } from 'node:fs';
import { dereference, validate } from '@readme/openapi-parser';
import * as z from 'zod';
import { PointsEarned } from '../../events';
import { handler } from '../../functions/meta/openapi.handler';
import { OPENAPI_ETAG } from '../../functions/meta/openapi.generated';
import { CLIENT_SCHEMA, clientSchemaModule, committedDocument, etagOf, GENERATED_MODULE, OPENAPI_JSON, openApiJson } from '../../infra/openapi-build';
import { openApiDocument, ROUTE_EXTRAS } from '../../infra/openapi';
import { topology } from '../../infra/topology';
import { routeKey, type Access } from '../../infra/topology-types';
import { Problems } from '../../shared/http/problem';
import { apiEvent, lambdaContext } from '../support/api-event';

/**
 * The OpenAPI description (infra/openapi.ts): a valid OpenAPI 3.1 document by an independent validator, with exactly
 * the topology's routes, the security their access implies, schemas that say what the zod schemas say, the event
 * contracts as webhooks — and the committed copies (docs/openapi.json, the handler's generated module) current.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const document = openApiDocument() as Json;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const operations = () =>
  Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation: operation as Json })),
  );
const operationAt = (key: string): Json => {
  const found = operations().find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found.operation;
};
let dereferenced: Json;

beforeAll(async () => {
  dereferenced = (await dereference(structuredClone(document) as never)) as Json;
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (@readme/openapi-parser: the specification schema and its semantic rules), without warnings', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('is refused by the validator when broken (a path parameter left out, a security scheme unknown)', async () => {
    const broken = structuredClone(document);
    delete broken.paths['/v1/purchases/{orderId}'].get.parameters;
    expect((await validate(broken as never)).valid).toBe(false);
    const unknownScheme = structuredClone(document);
    unknownScheme.paths['/v1/purchases'].post.security = [{ nobody: [] }];
    unknownScheme.components.securitySchemes = { nobody: { type: 'magic' } };
    expect((await validate(unknownScheme as never)).valid).toBe(false);
  });

  it('has exactly the routes of the topology: none missing, none extra', () => {
    const documented = operations().map((operation) => operation.key).sort();
    expect(documented).toEqual(topology.routes.map(routeKey).sort());
    expect(documented).toContain('GET /v1/openapi.json');
    for (const key of Object.keys(ROUTE_EXTRAS)) expect(documented).toContain(key);
  });

  it('gives every operation the security its access implies: none, the API key, a bearer JWT, or either', () => {
    expect(document.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    const expected = (access: readonly Access[]) => {
      if (access.includes('public')) return [];
      const key = access.includes('storefront') ? [{ apiKey: [] }] : [];
      const token = access.includes('customer') || access.includes('marketer') ? [{ bearer: [] }] : [];
      return [...key, ...token];
    };
    for (const route of topology.routes) {
      const operation = operationAt(routeKey(route));
      expect([routeKey(route), operation.security]).toEqual([routeKey(route), expected(route.access)]);
      expect(operation['x-access']).toEqual([...route.access]);
      expect(operation.tags).toEqual([route.service]);
      // Credentials can be refused only where they are needed; every route can fail on our side.
      const statuses = Object.keys(operation.responses);
      if (!route.access.includes('public')) expect([routeKey(route), statuses]).toEqual([routeKey(route), expect.arrayContaining(['401', '403'])]);
      expect(statuses).toContain('500');
    }
    expect(operationAt('GET /v1/health').security).toEqual([]);
  });

  it('declares every path parameter and every response each contract declares, with its media type', () => {
    for (const route of topology.routes) {
      const operation = operationAt(routeKey(route));
      const pathParameters = (operation.parameters ?? []).filter((parameter: Json) => parameter.in === 'path').map((parameter: Json) => parameter.name);
      expect(pathParameters).toEqual([...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]));
      for (const [status, schema] of Object.entries(route.contract.responses)) {
        const response = operation.responses[status];
        expect([routeKey(route), status, response !== undefined]).toEqual([routeKey(route), status, true]);
        if (schema === null) expect(response.content).toBeUndefined();
      }
    }
    expect(Object.keys(operationAt('GET /s/{token}').responses['200'].content)).toEqual(['text/html']);
    expect(Object.keys(operationAt('GET /w/{file}').responses['200'].content)).toEqual(['text/javascript']);
    expect(operationAt('DELETE /v1/walls/{wallId}').responses['204']).toEqual({ description: 'No Content' });
    expect(operationAt('GET /v1/walls/{wallId}').responses['304'].content).toBeUndefined();
    expect(operationAt('GET /r/{code}').responses['302'].headers.location).toBeDefined();
    expect(operationAt('GET /v1/customers/{customerId}/purchases').parameters.map((parameter: Json) => `${parameter.in}:${parameter.name}:${parameter.required}`)).toEqual([
      'path:customerId:true',
      'query:limit:false',
      'query:cursor:false',
    ]);
    expect(operationAt('POST /v1/customers/{customerId}/redemptions').parameters).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }));
  });

  it('describes POST /v1/purchases as its zod schemas do: the request it accepts and the purchase it answers', () => {
    const operation = dereferenced.paths['/v1/purchases'].post;
    const request = operation.requestBody.content['application/json'].schema;
    expect(request.required).toEqual(expect.arrayContaining(['orderId', 'customerId', 'amount', 'currency']));
    expect(request.additionalProperties).toBe(false);
    // The JSON Schema, turned back into a validator, agrees with the API on what to accept.
    const accepts = z.fromJSONSchema(request);
    expect(accepts.safeParse({ orderId: '1001', customerId: 'cust-42', amount: '404.95', currency: 'USD' }).success).toBe(true);
    expect(accepts.safeParse({ orderId: '1001', customerId: 'cust-42', amount: 404.95, currency: 'USD', items: [{ sku: 'MUG-1', quantity: 2 }] }).success).toBe(true);
    expect(accepts.safeParse({ customerId: 'cust-42', amount: '404.95', currency: 'USD' }).success).toBe(false);
    expect(accepts.safeParse({ orderId: '1001', customerId: 'cust-42', amount: '404.95', currency: 'USD', extra: true }).success).toBe(false);
    expect(accepts.safeParse({ orderId: 'a/b', customerId: 'cust-42', amount: '404.95', currency: 'USD' }).success).toBe(false);

    expect(document.paths['/v1/purchases'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Purchase' });
    const answered = z.fromJSONSchema(operation.responses['201'].content['application/json'].schema);
    const purchase = {
      storeId: 'store-1',
      orderId: '1001',
      customerId: 'cust-42',
      amount: '404.95',
      amountMinor: 40495,
      currency: 'USD',
      items: [{ sku: 'MUG-1', quantity: 2, unitPrice: '12.50', unitPriceMinor: 1250 }],
      occurredAt: '2026-11-01T10:00:00.000Z',
      recordedAt: '2026-11-01T10:00:01.000Z',
      refundedAmount: '0.00',
      refundedAmountMinor: 0,
    };
    expect(answered.safeParse(purchase).success).toBe(true);
    expect(answered.safeParse({ ...purchase, amountMinor: '40495' }).success).toBe(false);
    expect(answered.safeParse({ ...purchase, recordedAt: 'yesterday' }).success).toBe(false);
  });

  it('answers errors as problem+json with the shared Problem schemas, which real problems match', () => {
    const responses = document.paths['/v1/purchases'].post.responses;
    expect(responses['409'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(responses['409'].description).toContain('order-conflict');
    expect(responses['400'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/ValidationProblem' });
    expect(responses['400'].description).toMatch(/malformed-json.*validation-error/);
    expect(responses['413'].content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' } },
    });
    expect(Object.keys(responses)).toEqual(['200', '201', '400', '401', '403', '409', '413', '415', '500', '503']);
    // Storefront-only: API Gateway answers a missing or bad key itself, with {"message"}.
    expect(responses['401'].content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' } } });

    const problem = z.fromJSONSchema(dereferenced.components.schemas.Problem);
    const validationProblem = z.fromJSONSchema(dereferenced.components.schemas.ValidationProblem);
    const invalid = Problems.validation([{ pointer: '/orderId', detail: 'is required' }]).problem;
    expect(validationProblem.safeParse(invalid).success).toBe(true);
    expect(problem.safeParse(Problems.conflict('insufficient-points', 'Only 3 points', { available: 3 }).problem).success).toBe(true);
    expect(validationProblem.safeParse(Problems.conflict('order-conflict', 'taken').problem).success).toBe(false);
    expect(problem.safeParse({ message: 'Unauthorized' }).success).toBe(false);

    // What the handlers raise is found in their modules: the wall's 404, the survey answer's 410.
    expect(document.paths['/v1/surveys/responses'].post.responses['410'].description).toContain('survey-expired');
    expect(document.paths['/v1/testimonials'].post.responses['410'].description).toMatch(/link-expired/);
    expect(document.paths['/v1/customers/{customerId}/redemptions'].post.responses['403'].description).toContain('tier-too-low');
    expect(document.paths['/v1/adjustments/batch'].post.responses['409']).toBeUndefined();
  });

  it('has one webhook per deliverable event: the Standard Webhooks envelope of its data and headers, with its example', () => {
    const names = Object.keys(document.webhooks).sort();
    expect(names).toEqual(DELIVERABLE_EVENTS.map((event) => event.detailType).sort());
    expect(names).toEqual(expect.arrayContaining(['PointsEarned', 'PurchaseRecorded', 'TestimonialRequested', 'WebhookEndpointDisabled']));
    // The privacy plumbing between our own services is not delivered.
    expect(names).not.toContain('CustomerErased');
    expect(names).not.toContain('CustomerErasureRequested');
    const pointsEarned = dereferenced.webhooks.PointsEarned.post;
    const body = pointsEarned.requestBody.content['application/json'];
    expect(body.schema.required).toEqual(['type', 'timestamp', 'data']);
    expect(body.schema.properties.type).toEqual({ type: 'string', const: 'PointsEarned' });
    expect(body.example.data).toEqual(PointsEarned.dataSchema.parse(PointsEarned.example));
    expect(z.fromJSONSchema(body.schema).safeParse(body.example).success).toBe(true);
    expect(z.fromJSONSchema(body.schema.properties.data).safeParse({ ...PointsEarned.example, points: -1 }).success).toBe(false);
    expect(pointsEarned.description).toContain('POST /v1/webhook-endpoints');
    expect(pointsEarned.parameters.map((parameter: { name: string; in: string; required: boolean }) => `${parameter.in}:${parameter.name}:${parameter.required}`)).toEqual([
      'header:webhook-id:true',
      'header:webhook-timestamp:true',
      'header:webhook-signature:true',
    ]);
    expect(Object.keys(pointsEarned.responses).sort()).toEqual(['2XX', '410', 'default']);
    expect(pointsEarned['x-event']).toEqual({ source: 'loyalty-loop.loyalty', detailType: 'PointsEarned', version: 1 });
  });

  it('is committed as docs/openapi.json and in the handler module as `npm run openapi` writes them today', () => {
    const stale = (path: string) => new Error(`${path} is stale: run \`npm run openapi\` and commit it`);
    if (readFileSync(OPENAPI_JSON, 'utf8') !== openApiJson(document)) throw stale(OPENAPI_JSON);
    const minified = JSON.stringify(document);
    if (committedDocument(readFileSync(GENERATED_MODULE, 'utf8')) !== minified) throw stale(GENERATED_MODULE);
    expect(OPENAPI_ETAG).toBe(etagOf(minified));
  });

  it("is committed as the typed client's types (client/src/schema.generated.ts) as `npm run openapi` writes them today", async () => {
    if (readFileSync(CLIENT_SCHEMA, 'utf8') !== (await clientSchemaModule(document))) {
      throw new Error(`${CLIENT_SCHEMA} is stale: run \`npm run openapi\` and commit it`);
    }
    // The client package is published at the API's version, with the runtime the repository itself uses.
    const client = JSON.parse(readFileSync('client/package.json', 'utf8'));
    const repository = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(client.version).toBe(document.info.version);
    expect(client.dependencies['openapi-fetch']).toBe(repository.dependencies['openapi-fetch']);
  });

  it('is served at GET /v1/openapi.json, with an ETag (304 when it matches)', async () => {
    const event = (headers: Record<string, string> = {}) => apiEvent({ routeKey: 'GET /v1/openapi.json', path: '/v1/openapi.json', headers });
    const served = await handler(event(), lambdaContext());
    expect(served.statusCode).toBe(200);
    expect(served.headers).toEqual(expect.objectContaining({ 'content-type': 'application/json', etag: OPENAPI_ETAG, 'cache-control': 'public, max-age=300' }));
    expect(JSON.parse(served.body ?? '')).toEqual(document);
    const again = await handler(event({ 'if-none-match': OPENAPI_ETAG }), lambdaContext());
    expect(again.statusCode).toBe(304);
    expect(again.body).toBeUndefined();
  });
});
