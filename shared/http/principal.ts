import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Who is calling, as established by an authorizer. */
export type Principal =
  | { kind: 'storefront'; storeId: string; keyId: string }
  | { kind: 'customer'; customerId: string }
  | { kind: 'marketer'; marketerId: string }
  | { kind: 'anonymous'; reason: string };

/** What the Lambda authorizer puts in its context (values are strings, as API Gateway requires). */
export type AuthorizerContext =
  | { principalType: 'storefront'; storeId: string; keyId: string }
  | { principalType: 'customer'; customerId: string }
  | { principalType: 'marketer'; marketerId: string }
  | { principalType: 'anonymous'; reason: string };

export interface TokenSettings {
  /** Group whose members are marketers (Cognito's `cognito:groups` claim). */
  readonly marketerGroup: string;
  /** Claim holding the storefront's customer id for customer tokens. */
  readonly customerIdClaim: string;
}

export const DEFAULT_TOKEN_SETTINGS: TokenSettings = { marketerGroup: 'marketers', customerIdClaim: 'sub' };

export function tokenSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TokenSettings {
  return {
    marketerGroup: env.MARKETER_GROUP || DEFAULT_TOKEN_SETTINGS.marketerGroup,
    customerIdClaim: env.CUSTOMER_ID_CLAIM || DEFAULT_TOKEN_SETTINGS.customerIdClaim,
  };
}

/**
 * Groups arrive as a JSON array from our own verification, but API Gateway's JWT authorizer flattens
 * array claims into a string like "[marketers admins]"; accept both.
 */
export function claimGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((group) => group.length > 0);
}

export function principalFromClaims(claims: Record<string, unknown>, settings: TokenSettings): Principal {
  const subject = typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!subject) return { kind: 'anonymous', reason: 'token has no subject' };
  if (claimGroups(claims['cognito:groups']).includes(settings.marketerGroup)) {
    return { kind: 'marketer', marketerId: subject };
  }
  const customerId = claims[settings.customerIdClaim];
  if (typeof customerId !== 'string' || customerId.length === 0) {
    return { kind: 'anonymous', reason: `token has no ${settings.customerIdClaim} claim` };
  }
  return { kind: 'customer', customerId };
}

export function principalFromAuthorizerContext(context: Record<string, unknown>): Principal {
  switch (context.principalType) {
    case 'storefront':
      return { kind: 'storefront', storeId: String(context.storeId), keyId: String(context.keyId) };
    case 'customer':
      return { kind: 'customer', customerId: String(context.customerId) };
    case 'marketer':
      return { kind: 'marketer', marketerId: String(context.marketerId) };
    default:
      return { kind: 'anonymous', reason: String(context.reason ?? 'no credentials') };
  }
}

/** Reads the principal from whichever authorizer ran for this route. */
export function principalOf(event: APIGatewayProxyEventV2, settings: TokenSettings): Principal {
  const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> }).authorizer;
  const lambdaContext = authorizer?.lambda as Record<string, unknown> | undefined;
  if (lambdaContext) return principalFromAuthorizerContext(lambdaContext);
  const jwt = authorizer?.jwt as { claims?: Record<string, unknown> } | undefined;
  if (jwt?.claims) return principalFromClaims(jwt.claims, settings);
  return { kind: 'anonymous', reason: 'no credentials' };
}
