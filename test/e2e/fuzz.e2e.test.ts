import { createHash } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import * as z from 'zod';
import { topology } from '../../infra/topology';
import { IDENTIFIER_PATTERN } from '../../shared/domain/identifiers';
import { authorizerKindFor, type Access } from '../../infra/topology-types';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Hostile input against every route, on the running system, with a credential the route accepts so requests reach
 * the handlers: random and malformed JSON, wrong types, huge numbers, NaN-like strings, deep nesting, unicode edge
 * cases, missing and extra fields, oversize bodies, bad content types, bad path parameters. Every answer is below 500,
 * every error is problem+json, and no table changes.
 */
let runtime: RuntimeProcess;
let documents: DynamoDBDocumentClient;
const headers: Partial<Record<'storefront' | 'customer' | 'marketer', Record<string, string>>> = {};
const CUSTOMER = 'fuzz-cust';

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  headers.storefront = { 'x-api-key': (JSON.parse(await runtime.cli('keys', 'create', '--store', 'fuzz', '--json')) as { key: string }).key };
  headers.customer = { authorization: `Bearer ${(await runtime.cli('token', '--customer', CUSTOMER)).trim()}` };
  headers.marketer = { authorization: `Bearer ${(await runtime.cli('token', '--marketer', 'fuzzer')).trim()}` };
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: `http://127.0.0.1:${runtime.ports.dynamodb}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
});

/** A digest of every application table (test-only Scan), to prove nothing changed. */
async function snapshot(): Promise<string> {
  const tables = ((await documents.send(new ListTablesCommand({}))).TableNames ?? []).filter((name) => !name.includes('runtime-journal')).sort();
  // Every table read at once (DynamoDB Local serves them in parallel), hashed in a fixed order.
  const contents = await Promise.all(
    tables.map(async (table) => {
      let start: Record<string, unknown> | undefined;
      const items: string[] = [];
      do {
        const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
        items.push(...(page.Items ?? []).map((item) => JSON.stringify(item, Object.keys(item).sort())));
        start = page.LastEvaluatedKey;
      } while (start);
      return `${table}:${items.sort().join('\n')}`;
    }),
  );
  const hash = createHash('sha256');
  for (const content of contents) hash.update(content);
  return hash.digest('hex');
}

const nastyStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '１２３', '\u0000', '\ud800', '../../etc/passwd', '%00', '${jndi:ldap://x}', "' OR 1=1 --", '<script>', 'a'.repeat(300)),
);
const nastyNumbers = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324, -1, 0));
const deep = fc.integer({ min: 50, max: 3000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const fieldNames = fc.constantFrom('orderId', 'customerId', 'amount', 'currency', 'items', 'refundId', 'rewardId', 'points', 'reason', 'adjustmentId', 'name', 'costPoints', 'type', 'baseCurrency', 'tiers', '__proto__', 'constructor');
const hostileObject = fc.dictionary(fieldNames, fc.oneof(nastyStrings, nastyNumbers, fc.boolean(), fc.constant(null), fc.array(nastyStrings, { maxLength: 3 }), fc.jsonValue({ maxDepth: 3 })), { maxKeys: 8 });

const body = fc.oneof(
  hostileObject.map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  nastyStrings,
  deep,
  fc.constantFrom('', '{', '{"a":', 'null', '[]', '{"amount": 1e999}', `{"orderId": "${'x'.repeat(200_000)}"}`),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', '');
/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as a client library would send them). */
const percentEncode = (text: string) => Array.from(Buffer.from(text, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const pathValue = fc.oneof(fc.constantFrom('a', 'x'.repeat(300), '%00', '%2F', '..', '%E0%A4%A', ' ', '%F0%9F%98%80', 'LL-0000-0000-0000-000'), nastyStrings.map(percentEncode));

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Whether the route's declared schemas accept this request as a whole (JSON body and path parameters). */
function acceptedByContract(route: (typeof topology.routes)[number], payload: string, type: string, param: string, ownCustomer: boolean): boolean {
  const { body: bodySchema, params: paramsSchema } = route.contract;
  if (!bodySchema || !type.startsWith('application/json')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return false;
  }
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  const params = Object.fromEntries(names.map((name) => [name, name === 'customerId' && ownCustomer ? CUSTOMER : safeDecode(param)]));
  return z.safeParse(bodySchema as z.ZodType, parsed).success && (!paramsSchema || z.safeParse(paramsSchema as z.ZodType, params).success);
}

function credentialFor(access: readonly Access[]): Record<string, string> {
  if (access.includes('marketer')) return headers.marketer ?? {};
  if (access.includes('storefront')) return headers.storefront ?? {};
  if (access.includes('customer')) return headers.customer ?? {};
  return {};
}

describe('hostile input on every route', () => {
  const routes = topology.routes.map((route) => ({ ...route, access: route.access as readonly Access[] }));

  test.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', async (_name, route) => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(body, contentType, pathValue, fc.boolean(), async (payload, type, param, ownCustomer) => {
        // A DELETE carries no body: its only hostile input is the path, and a well-formed id is a legitimate request.
        if (route.method === 'DELETE') fc.pre(!IDENTIFIER_PATTERN.test(safeDecode(param)) && !ownCustomer);
        let path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'customerId' && ownCustomer ? CUSTOMER : param));
        if (route.method === 'GET') path += `?limit=${percentEncode(String(payload).slice(0, 50))}&cursor=${param}`;
        // Input the route's own contract accepts is a legitimate request, not a hostile one (an all-optional body
        // such as POST /v1/customers/{customerId}/referral-code's `{}` creates a code, as it should).
        if (route.method !== 'GET') fc.pre(!acceptedByContract(route, payload, type, param, ownCustomer));
        const response = await fetch(`${runtime.url}${path}`, {
          method: route.method,
          redirect: 'manual',
          headers: { ...credentialFor(route.access), ...(type ? { 'content-type': type } : {}), 'idempotency-key': 'fuzz' },
          ...(route.method === 'GET' ? {} : { body: payload }),
        });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400 && authorizerKindFor(route.access) !== 'none' && response.status !== 401 && response.status !== 403) {
          expect(response.headers.get('content-type')).toBe('application/problem+json');
        }
        if (response.headers.get('content-type') === 'application/problem+json') {
          const problem = JSON.parse(text) as Record<string, unknown>;
          expect(problem).toMatchObject({ type: expect.any(String), title: expect.any(String), status: response.status, detail: expect.any(String) });
          expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
        }
        if (route.method !== 'GET') expect(response.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 25 },
    );
    expect(await snapshot()).toBe(before);
  });
});
