import type { Access } from '../shared/service/declarations';

export type {
  Access,
  FunctionDeclaration,
  HttpMethod,
  KeyAttribute,
  PrivacyDeclaration,
  RouteBinding,
  ScheduleDeclaration,
  ServiceModule,
  StreamDeclaration,
  SubscriptionDeclaration,
  TableAccess,
  TableDeclaration,
} from '../shared/service/declarations';
export { routeKey } from '../shared/http/route';

/**
 * How API Gateway authorizes a route, derived from its access list:
 * - `none`: public;
 * - `apiKey`: storefront only — the Lambda authorizer with identity source x-api-key (cached);
 * - `jwt`: customers and/or marketers only — the HTTP API JWT authorizer;
 * - `credentials`: storefronts and token holders — the Lambda authorizer without identity source or cache,
 *   which accepts either credential (HTTP API routes take one authorizer each).
 */
export type AuthorizerKind = 'none' | 'apiKey' | 'jwt' | 'credentials';

export function authorizerKindFor(access: readonly Access[]): AuthorizerKind {
  if (access.includes('public')) return 'none';
  const storefront = access.includes('storefront');
  const tokens = access.includes('customer') || access.includes('marketer');
  if (storefront && tokens) return 'credentials';
  return storefront ? 'apiKey' : 'jwt';
}
