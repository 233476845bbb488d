import type { EventContract } from '../events/contract';

/** Who may call a route. `customer` means: only about themselves (token subject = `{customerId}`). */
export type Access = 'public' | 'storefront' | 'customer' | 'marketer';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type TableAccess = 'read' | 'readWrite';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface TableDeclaration {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes?: readonly { name: string; partitionKey: KeyAttribute; sortKey?: KeyAttribute }[];
  /** Tables with a stream feed the outbox relay: their items' outbox events go to the bus. */
  readonly stream?: boolean;
  readonly timeToLiveAttribute?: string;
  /** The environment variable through which a bound function learns the table's name. */
  readonly envVar: string;
}

export interface FunctionDeclaration<TableName extends string> {
  /** Path from the repository root to the module exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables?: Partial<Record<TableName, TableAccess>>;
  /** Publishes to the event bus (only the outbox relay should). */
  readonly publishesEvents?: boolean;
  /** Verifies customer and marketer JWTs itself (the credentials authorizer). */
  readonly verifiesTokens?: boolean;
}

export interface RouteDeclaration<FunctionName extends string> {
  readonly method: HttpMethod;
  /** API Gateway path syntax, e.g. /v1/purchases/{orderId}. */
  readonly path: string;
  readonly function: FunctionName;
  readonly access: readonly Access[];
}

export interface SubscriptionDeclaration<FunctionName extends string> {
  /** Unique, stable rule name. */
  readonly name: string;
  readonly event: EventContract;
  readonly function: FunctionName;
  /** Lambda async retries for errors thrown by the function (0–2; Lambda's default is 2). */
  readonly retryAttempts: 0 | 1 | 2;
  readonly maxEventAgeSeconds: number;
}

export interface StreamDeclaration<TableName extends string, FunctionName extends string> {
  readonly table: TableName;
  readonly function: FunctionName;
  readonly batchSize: number;
  readonly maxRetryAttempts: number;
}

export interface ScheduleDeclaration<FunctionName extends string> {
  readonly name: string;
  readonly function: FunctionName;
  /** EventBridge Scheduler expression: `rate(5 minutes)` or `cron(0 3 * * ? *)`, always UTC. */
  readonly expression: string;
  readonly description: string;
}

export interface Topology<TableName extends string, FunctionName extends string> {
  readonly tables: Record<TableName, TableDeclaration>;
  readonly functions: Record<FunctionName, FunctionDeclaration<TableName>>;
  readonly routes: readonly RouteDeclaration<FunctionName>[];
  /** Requests that match no route ($default): answered with problem+json 404 or 405. */
  readonly fallbackFunction: FunctionName;
  readonly apiKeyAuthorizerFunction: FunctionName;
  readonly subscriptions: readonly SubscriptionDeclaration<FunctionName>[];
  readonly streams: readonly StreamDeclaration<TableName, FunctionName>[];
  readonly schedules: readonly ScheduleDeclaration<FunctionName>[];
}

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

export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}
