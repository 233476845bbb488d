import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { now } from '../../shared/clock';
import { createLogger } from '../../shared/logger';
import { principalFromClaims, tokenSettingsFromEnv, type AuthorizerContext } from '../../shared/http/principal';
import { authenticateApiKey } from './domain/api-keys';
import { IdentityRepository } from './identity.repository';

/**
 * One Lambda authorizer (payload 2.0, simple responses) used two ways, both derived from the topology:
 * - storefront-only routes: identity source x-api-key, results cached per key;
 * - routes shared by storefronts and token holders: no identity source, no cache. It accepts an API key or a
 *   bearer JWT. A bad API key is denied (403); a missing or invalid token passes as `anonymous` with the reason,
 *   and the route's HTTP stack answers 401 problem+json, as the JWT authorizer would on token-only routes.
 */
const config = loadConfig({
  IDENTITY_TABLE_NAME: nonEmpty,
  JWT_ISSUER: nonEmpty,
  JWT_AUDIENCE: nonEmpty,
  JWKS_URL: nonEmpty,
});
const logger = createLogger('identity');
const repository = new IdentityRepository(dynamoDocumentClient(), config.IDENTITY_TABLE_NAME);
const jwks = createRemoteJWKSet(new URL(config.JWKS_URL), { cacheMaxAge: 10 * 60 * 1000 });
const tokenSettings = tokenSettingsFromEnv();
const audiences = config.JWT_AUDIENCE.split(',').map((audience) => audience.trim());

type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<Result> {
  const headers = event.headers ?? {};
  const apiKey = headers['x-api-key'];
  if (apiKey !== undefined && apiKey !== '') return authorizeApiKey(apiKey, event.routeKey);
  const authorization = headers.authorization;
  if (authorization) return authorizeToken(authorization);
  return allowAnonymous('no credentials');
}

async function authorizeApiKey(apiKey: string, routeKey: string): Promise<Result> {
  const verification = await authenticateApiKey(repository, apiKey);
  if (!verification.ok) {
    logger.info('api key rejected', { reason: verification.reason, ...(verification.keyId ? { keyId: verification.keyId } : {}), routeKey });
    return { isAuthorized: false, context: { principalType: 'anonymous', reason: verification.reason } };
  }
  return { isAuthorized: true, context: { principalType: 'storefront', storeId: verification.storeId, keyId: verification.keyId } };
}

async function authorizeToken(authorization: string): Promise<Result> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) return allowAnonymous('authorization is not a bearer token');
  try {
    const { payload } = await jwtVerify(match[1], jwks, {
      issuer: config.JWT_ISSUER,
      audience: audiences,
      algorithms: ['RS256', 'ES256'],
      requiredClaims: ['exp', 'sub'],
      currentDate: now(),
    });
    const principal = principalFromClaims(payload as Record<string, unknown>, tokenSettings);
    switch (principal.kind) {
      case 'customer':
        return { isAuthorized: true, context: { principalType: 'customer', customerId: principal.customerId } };
      case 'marketer':
        return { isAuthorized: true, context: { principalType: 'marketer', marketerId: principal.marketerId } };
      default:
        return allowAnonymous(principal.kind === 'anonymous' ? principal.reason : 'unusable token');
    }
  } catch (error) {
    const reason = `invalid token (${(error as { code?: string }).code ?? 'unverifiable'})`;
    logger.info('token rejected', { reason });
    return allowAnonymous(reason);
  }
}

function allowAnonymous(reason: string): Result {
  return { isAuthorized: true, context: { principalType: 'anonymous', reason } };
}
