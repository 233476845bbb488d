import { createServer, type Server } from 'node:http';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { SignJWT, base64url } from 'jose';
import { issueApiKey } from '../../functions/identity/domain/api-keys';
import { IdentityRepository } from '../../functions/identity/identity.repository';
import { LocalIssuer } from '../../infra/local/issuer';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { lambdaContext, uniqueId } from '../support/api-event';

/** The real authorizer against keys stored in DynamoDB Local and tokens verified against a served JWKS. */
let server: Server;
let issuer: LocalIssuer;
let handler: (event: APIGatewayRequestAuthorizerEventV2) => Promise<{ isAuthorized: boolean; context?: Record<string, string> }>;
const AUDIENCE = 'loyalty-loop-test';

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(issuer.jwks()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  issuer = await LocalIssuer.load({ issuer: url, audience: AUDIENCE });
  Object.assign(process.env, { JWT_ISSUER: url, JWT_AUDIENCE: AUDIENCE, JWKS_URL: `${url}/.well-known/jwks.json` });
  ({ handler } = (await import('../../functions/identity/authorizer.handler')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:000000000000:api/$default/GET/v1/x',
    identitySource: [],
    routeKey: 'GET /v1/customers/{customerId}/purchases',
    rawPath: '/v1/customers/c1/purchases',
    rawQueryString: '',
    headers,
    requestContext: {} as APIGatewayRequestAuthorizerEventV2['requestContext'],
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

const authorize = (headers: Record<string, string>) => (handler as unknown as (e: unknown, c: unknown) => Promise<{ isAuthorized: boolean; context?: Record<string, string> }>)(authorizerEvent(headers), lambdaContext());

describe('authorizer: storefront API keys', () => {
  const repository = () => new IdentityRepository(dynamoDocumentClient(), process.env.IDENTITY_TABLE_NAME as string);

  it('authorizes an active key with its store, and denies revoked, unknown and malformed keys', async () => {
    const storeId = uniqueId('store');
    const issued = issueApiKey();
    await repository().createApiKey({ keyId: issued.keyId, storeId, secretHash: issued.secretHash, status: 'active', createdAt: new Date().toISOString() });

    expect(await authorize({ 'x-api-key': issued.key })).toEqual({ isAuthorized: true, context: { principalType: 'storefront', storeId, keyId: issued.keyId } });
    const tampered = `${issued.key.slice(0, -1)}${issued.key.endsWith('A') ? 'B' : 'A'}`;
    expect((await authorize({ 'x-api-key': tampered })).isAuthorized).toBe(false);
    expect((await authorize({ 'x-api-key': issueApiKey().key })).isAuthorized).toBe(false);
    expect((await authorize({ 'x-api-key': 'not-a-key' })).isAuthorized).toBe(false);

    await repository().revokeApiKey(issued.keyId, new Date().toISOString());
    expect((await authorize({ 'x-api-key': issued.key })).isAuthorized).toBe(false);
    expect((await repository().listApiKeys(storeId)).map((key) => key.status)).toEqual(['revoked']);
  });
});

describe('authorizer: customer and marketer tokens', () => {
  const now = () => new Date();

  it('accepts valid customer and marketer tokens', async () => {
    const customerToken = await issuer.mint({ customerId: 'c1' }, 300, now());
    expect(await authorize({ authorization: `Bearer ${customerToken.token}` })).toEqual({ isAuthorized: true, context: { principalType: 'customer', customerId: 'c1' } });
    const marketerToken = await issuer.mint({ marketer: 'ana' }, 300, now());
    expect(await authorize({ authorization: `Bearer ${marketerToken.token}` })).toEqual({ isAuthorized: true, context: { principalType: 'marketer', marketerId: 'marketer:ana' } });
  });

  it('passes no credentials and bad tokens as anonymous, so the route answers 401', async () => {
    const expired = await issuer.mint({ customerId: 'c1' }, 60, new Date(Date.now() - 3600_000));
    const foreign = await LocalIssuer.load({ issuer: process.env.JWT_ISSUER as string, audience: AUDIENCE });
    const forged = await foreign.mint({ customerId: 'c1' }, 300, now());
    const otherAudience = await LocalIssuer.load({ issuer: process.env.JWT_ISSUER as string, audience: 'someone-else' });
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify({ sub: 'c1', iss: process.env.JWT_ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 }));
    const unsigned = `${header}.${payload}.`;
    const key = await import('jose').then(({ generateKeyPair }) => generateKeyPair('RS256'));
    const noSubject = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(String(process.env.JWT_ISSUER)).setAudience(AUDIENCE).setExpirationTime('5m').sign(key.privateKey);

    const cases: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${expired.token}` },
      { authorization: `Bearer ${forged.token}` },
      { authorization: `Bearer ${(await otherAudience.mint({ customerId: 'c1' }, 300, now())).token}` },
      { authorization: `Bearer ${unsigned}` },
      { authorization: `Bearer ${noSubject}` },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ];
    for (const headers of cases) {
      const result = await authorize(headers);
      expect(result.isAuthorized).toBe(true);
      expect(result.context?.principalType).toBe('anonymous');
    }
  });
});
