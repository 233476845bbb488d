import type { EventContract } from '../../events/contract';
import type { RouteContract } from '../http/route';

/**
 * What a service declares about itself, in its own folder (functions/<service>/service.ts). infra/topology.ts
 * composes the services into the one system; the CDK app and the local runtime are built from that composition.
 * Pure types: no CDK or AWS imports, so service declarations stay plain data.
 */

/** Who may call a route. `customer` means: only about themselves (token subject = `{customerId}`). */
export type Access = 'public' | 'storefront' | 'customer' | 'marketer';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type TableAccess = 'read' | 'readWrite';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/**
 * A global secondary index. It projects only what its queries read (issue 9): `keys` (the table's and the index's
 * keys: an item's other attributes can change without writing the index), the named attributes, or — when unset —
 * everything.
 */
export interface IndexDeclaration {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly projection?: 'keys' | { readonly include: readonly string[] };
}

export interface TableDeclaration {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes?: readonly IndexDeclaration[];
  /** Tables with a stream feed the outbox relay: their items' outbox events go to the bus. */
  readonly stream?: boolean;
  readonly timeToLiveAttribute?: string;
  /** The environment variable through which a bound function learns the table's name. */
  readonly envVar: string;
}

export interface FunctionDeclaration {
  /** Path from the repository root to the module exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /**
   * Tables of its own service the function reads or writes. Another service's table is reached only through that
   * service's facade (`uses`), whose declared access the composition adds — so the owner's code is the only code
   * touching it.
   */
  readonly tables?: Readonly<Record<string, TableAccess>>;
  /** Facade modules of other services this function calls (see ServiceModule.exposes). */
  readonly uses?: readonly string[];
  /** Publishes to the event bus (only the outbox relay should). */
  readonly publishesEvents?: boolean;
  /** Verifies customer and marketer JWTs itself (the credentials authorizer). */
  readonly verifiesTokens?: boolean;
  /** Other functions it invokes synchronously (by topology name), e.g. the services' privacy exporters. */
  readonly invokes?: readonly string[];
}

export interface RouteBinding {
  readonly route: RouteContract;
  readonly function: string;
}

export interface SubscriptionDeclaration {
  /** Unique, stable rule name. */
  readonly name: string;
  readonly event: EventContract;
  readonly function: string;
  /** Lambda async retries for errors thrown by the function (0–2; Lambda's default is 2). */
  readonly retryAttempts: 0 | 1 | 2;
  readonly maxEventAgeSeconds: number;
}

export interface StreamDeclaration {
  readonly table: string;
  readonly function: string;
  readonly batchSize: number;
  readonly maxRetryAttempts: number;
  /** Lambda event filtering: only records matching one of these patterns invoke the function. */
  readonly filterPatterns?: readonly Readonly<Record<string, unknown>>[];
}

export interface ScheduleDeclaration {
  readonly name: string;
  readonly function: string;
  /** EventBridge Scheduler expression: `rate(5 minutes)` or `cron(0 3 * * ? *)`, always UTC. */
  readonly expression: string;
  readonly description: string;
}

/**
 * A service's duty under the GDPR: its `export` function answers a PrivacyExportRequest with the service's part
 * of the customer's data; its `erase` function consumes CustomerErasureRequested and confirms with CustomerErased.
 */
export interface PrivacyDeclaration {
  readonly export: string;
  readonly erase: string;
}

export interface ServiceModule {
  /** Lower-case service name: logs, event sources, erasure confirmations, rule names. */
  readonly name: string;
  readonly description: string;
  /** The tables this service owns; no other service's function binds them except through this service's facade. */
  readonly tables?: Readonly<Record<string, TableDeclaration>>;
  readonly functions: Readonly<Record<string, FunctionDeclaration>>;
  readonly routes?: readonly RouteBinding[];
  readonly subscriptions?: readonly SubscriptionDeclaration[];
  readonly schedules?: readonly ScheduleDeclaration[];
  /** The event contracts this service produces (through its tables' outbox). */
  readonly produces?: readonly EventContract[];
  readonly privacy?: PrivacyDeclaration;
  /**
   * Another service's tables this service's functions may bind, each through the owner's facade module: e.g.
   * webhooks records purchases through functions/purchases/purchases.facade.ts.
   */
  /** Platform roles a function of this service plays; each role is played by exactly one function in the system. */
  readonly roles?: {
    /** Answers requests that match no route (API Gateway's $default). */
    readonly fallback?: string;
    /** The Lambda authorizer (API keys, and tokens on routes shared by storefronts and token holders). */
    readonly authorizer?: string;
    /** Consumes every streamed table and publishes its outbox events. */
    readonly outboxRelay?: string;
    /** Serves the data export by invoking every service's privacy exporter. */
    readonly privacyExport?: string;
  };
  /**
   * Facades: the modules through which other services may use this service in-process (e.g. webhooks record purchases
   * through functions/purchases/purchases.facade.ts), with the table access a function using one needs. Another
   * service's code imports only these modules of this service, and a function using one declares it in `uses`.
   */
  readonly exposes?: readonly FacadeDeclaration[];
}

export interface FacadeDeclaration {
  /** Path from the repository root, inside the owning service's folder. */
  readonly module: string;
  readonly tables: Readonly<Record<string, TableAccess>>;
}

/**
 * The table shape every service uses: string keys `pk` and `sk`, and global secondary indexes named `gsiN` keyed by
 * `gsiNpk` and `gsiNsk` (single-table design inside each service's own table).
 */
export function keyedTable(options: {
  readonly envVar: string;
  /** Index names (projecting everything), or with the projection their queries need. */
  readonly indexes?: readonly (`gsi${number}` | { readonly name: `gsi${number}`; readonly projection: NonNullable<IndexDeclaration['projection']> })[];
  readonly stream?: boolean;
  readonly timeToLiveAttribute?: string;
}): TableDeclaration {
  return {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ...(options.indexes?.length
      ? {
          indexes: options.indexes.map((index) => {
            const { name, projection } = typeof index === 'string' ? { name: index, projection: undefined } : index;
            return { name, partitionKey: { name: `${name}pk`, type: 'S' as const }, sortKey: { name: `${name}sk`, type: 'S' as const }, ...(projection ? { projection } : {}) };
          }),
        }
      : {}),
    ...(options.stream ? { stream: true } : {}),
    ...(options.timeToLiveAttribute ? { timeToLiveAttribute: options.timeToLiveAttribute } : {}),
    envVar: options.envVar,
  };
}

/** Identity helper that keeps literal types and checks the shape. */
export function defineService<const S extends ServiceModule>(service: S): S {
  return service;
}
