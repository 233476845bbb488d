import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { LOCAL_TOKEN_AUDIENCE, topology } from '../../infra/topology';
import { authorizerKindFor, type Access } from '../../infra/topology-types';
import { api, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Every route in the topology against every kind of credential, on the running system (API Gateway emulation,
 * authorizers, handlers). The expected answer is derived from the route's one access declaration:
 * 401 (who are you?), 403 (not you), or through (anything else — validation, not found, success).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'loyalty-matrix-'));
let runtime: RuntimeProcess;
const credentials: Record<string, Record<string, string>> = {};
const CUSTOMER = 'matrix-cust';

type Credential =
  | 'none'
  | 'store key'
  | 'other store key'
  | 'revoked key'
  | 'malformed key'
  | 'own customer token'
  | 'other customer token'
  | 'marketer token'
  | 'expired token'
  | 'other audience token'
  | 'foreign key token'
  | 'alg none token'
  | 'token without subject';

const CREDENTIALS: Credential[] = [
  'none',
  'store key',
  'other store key',
  'revoked key',
  'malformed key',
  'own customer token',
  'other customer token',
  'marketer token',
  'expired token',
  'other audience token',
  'foreign key token',
  'alg none token',
  'token without subject',
];

beforeAll(async () => {
  runtime = await startRuntimeProcess({ dataDir });
  const key = async (store: string) => JSON.parse(await runtime.cli('keys', 'create', '--store', store, '--json')) as { key: string; keyId: string };
  const storeKey = await key('matrix-store');
  const otherKey = await key('matrix-other');
  const revoked = await key('matrix-store');
  await runtime.cli('keys', 'revoke', revoked.keyId);

  const stored = JSON.parse(readFileSync(join(dataDir, 'issuer-key.json'), 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
  const signingKey = await importJWK(stored.privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const sign = async (claims: Record<string, unknown>, options: { audience?: string; expiresAt?: number; subject?: string | null; key?: Parameters<SignJWT['sign']>[0] } = {}) => {
    let jwt = new SignJWT({ token_use: 'id', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: stored.publicJwk.kid as string })
      .setIssuer(runtime.url)
      .setAudience(options.audience ?? LOCAL_TOKEN_AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(options.expiresAt ?? now + 600);
    if (options.subject !== null) jwt = jwt.setSubject(options.subject ?? CUSTOMER);
    return jwt.sign(options.key ?? signingKey);
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const foreign = await generateKeyPair('RS256');
  const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ sub: CUSTOMER, iss: runtime.url, aud: LOCAL_TOKEN_AUDIENCE, exp: now + 600 }))}.`;

  Object.assign(credentials, {
    none: {},
    'store key': { 'x-api-key': storeKey.key },
    'other store key': { 'x-api-key': otherKey.key },
    'revoked key': { 'x-api-key': revoked.key },
    'malformed key': { 'x-api-key': 'llk_not-a-real-key' },
    'own customer token': bearer(await sign({})),
    'other customer token': bearer(await sign({}, { subject: 'someone-else' })),
    'marketer token': bearer(await sign({ 'cognito:groups': ['marketers'], name: 'ana' }, { subject: 'marketer:ana' })),
    'expired token': bearer(await sign({}, { expiresAt: now - 60 })),
    'other audience token': bearer(await sign({}, { audience: 'another-app' })),
    'foreign key token': bearer(await sign({}, { key: foreign.privateKey })),
    'alg none token': bearer(unsigned),
    'token without subject': bearer(await sign({}, { subject: null })),
  } satisfies Record<Credential, Record<string, string>>);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Expected = 401 | 403 | 'through';

/** What each credential must get on a route, from its access declaration alone. */
export function expectedFor(access: readonly Access[], path: string, credential: Credential): Expected {
  const kind = authorizerKindFor(access);
  // Webhooks are public to API Gateway; their authenticity is the platform's signature, which no credential here carries.
  if (path.startsWith('/v1/webhooks/')) return 401;
  if (kind === 'none') return 'through';
  const goodKey = credential === 'store key' || credential === 'other store key';
  const badKey = credential === 'revoked key' || credential === 'malformed key';
  const goodToken = credential === 'own customer token' || credential === 'other customer token' || credential === 'marketer token';
  const hasCustomerParam = path.includes('{customerId}');
  const tokenVerdict = (): Expected => {
    if (credential === 'marketer token') return access.includes('marketer') ? 'through' : 403;
    if (!access.includes('customer')) return 403;
    if (credential === 'other customer token' && hasCustomerParam) return 403;
    return 'through';
  };
  switch (kind) {
    case 'apiKey':
      if (goodKey) return 'through';
      if (badKey) return 403;
      return 401; // API Gateway: no x-api-key, no authorizer call
    case 'jwt':
      if (goodToken) return tokenVerdict();
      return 401; // API Gateway's JWT authorizer: missing or invalid token (keys carry no bearer token)
    case 'credentials':
      if (goodKey) return access.includes('storefront') ? 'through' : 403;
      if (badKey) return 403;
      if (goodToken) return tokenVerdict();
      return 401;
  }
}

const samplePath = (path: string) =>
  path
    .replace('{customerId}', CUSTOMER)
    .replace('{orderId}', 'matrix-order')
    .replace('{rewardId}', 'matrix-reward')
    .replace('{redemptionId}', '00000000-0000-4000-8000-000000000000')
    .replace('{code}', 'LL-0000-0000-0000-0000')
    .replace('{storeId}', 'matrix-store');

describe('authorization matrix', () => {
  const cases = topology.routes.flatMap((route) => CREDENTIALS.map((credential) => [`${route.method} ${route.path}`, credential, route] as const));

  test.each(cases)('%s with %s', async (_name, credential, route) => {
    const expected = expectedFor(route.access as readonly Access[], route.path, credential);
    const hasBody = route.method === 'POST' || route.method === 'PUT';
    const response = await api(runtime.url, route.method, samplePath(route.path), {
      ...(hasBody ? { body: {} } : {}),
      headers: { ...credentials[credential], 'idempotency-key': 'matrix' },
    });
    if (expected === 'through') expect([401, 403]).not.toContain(response.status);
    else expect(response.status).toBe(expected);
    expect(response.status).toBeLessThan(500);
  });
});
