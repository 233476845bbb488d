import type { EventContract } from '../events/contract';
import { OUTBOX_STREAM_FILTER } from '../shared/events/outbox';
import { routeKey, type RouteContract } from '../shared/http/route';
import type {
  Access,
  FunctionDeclaration,
  HttpMethod,
  ScheduleDeclaration,
  ServiceModule,
  StreamDeclaration,
  SubscriptionDeclaration,
  TableAccess,
  TableDeclaration,
} from '../shared/service/declarations';

/**
 * Composes the services' own declarations into the one topology the CDK app and the local runtime are built from,
 * checking that every declaration is complete and consistent — a mistake fails `npm start`, `cdk synth` and the
 * unit tests alike, naming every problem at once.
 */
export interface ComposedFunction extends FunctionDeclaration {
  readonly name: string;
  readonly service: string;
  /** Its own tables plus those its facades need. */
  readonly tables: Readonly<Record<string, TableAccess>>;
  readonly invokes: readonly string[];
}

export interface ComposedRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly function: string;
  readonly access: readonly Access[];
  readonly contract: RouteContract;
  readonly service: string;
  /** Readable by any origin: served from the open API (no CORS configuration) on AWS. See RouteContract.openCors. */
  readonly openCors: boolean;
}

export interface ComposedTopology {
  readonly services: readonly ServiceModule[];
  readonly tables: Readonly<Record<string, TableDeclaration & { readonly owner: string }>>;
  readonly functions: Readonly<Record<string, ComposedFunction>>;
  readonly routes: readonly ComposedRoute[];
  /** Requests that match no route ($default): answered with problem+json 404 or 405. */
  readonly fallbackFunction: string;
  readonly apiKeyAuthorizerFunction: string;
  readonly outboxRelayFunction: string;
  readonly privacyExportFunction: string;
  readonly subscriptions: readonly SubscriptionDeclaration[];
  /** Derived: every table declared with a stream feeds the outbox relay. */
  readonly streams: readonly StreamDeclaration[];
  readonly schedules: readonly ScheduleDeclaration[];
  /** Every event contract some service produces (older versions still readable included). */
  readonly events: readonly EventContract[];
  /** Each service holding personal data: the function exporting its part, the one erasing it. */
  readonly privacy: readonly { readonly service: string; readonly export: string; readonly erase: string }[];
}

export class TopologyDeclarationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The service declarations are incomplete or inconsistent:\n  - ${problems.join('\n  - ')}`);
    this.name = 'TopologyDeclarationError';
  }
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{1,39}$/;
const LOGICAL_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;
const VALID_ACCESS: readonly Access[] = ['public', 'storefront', 'customer', 'marketer'];
const ERASURE_REQUESTED = 'CustomerErasureRequested';
const OUTBOX_STREAM = { batchSize: 100, maxRetryAttempts: 10, filterPatterns: [OUTBOX_STREAM_FILTER] } as const;

/** A short public link: one lower-case letter and one parameter, e.g. /r/{code}. */
const SHORT_PUBLIC_LINK = /^\/[a-z]\/\{[A-Za-z]+\}$/;
/** The interactive API reference and its static assets: a page for people, like the short links, not a versioned API. */
const REFERENCE_PAGE = /^\/docs(\/assets\/\{[A-Za-z]+\})?$/;

export function composeTopology(services: readonly ServiceModule[]): ComposedTopology {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(message);

  const seenServices = new Set<string>();
  const tables: Record<string, TableDeclaration & { owner: string }> = {};
  const facades = new Map<string, { service: string; tables: Readonly<Record<string, TableAccess>> }>();
  for (const service of services) {
    if (!SERVICE_NAME.test(service.name)) problem(`service "${service.name}": the name must be lower-case letters, digits and dashes`);
    if (seenServices.has(service.name)) problem(`service "${service.name}" is declared twice`);
    seenServices.add(service.name);
    for (const [table, declaration] of Object.entries(service.tables ?? {})) {
      if (!LOGICAL_NAME.test(table)) problem(`table "${table}" (${service.name}): names are camelCase letters and digits`);
      const existing = tables[table];
      if (existing) problem(`table "${table}" is owned by both ${existing.owner} and ${service.name}: a table has one owner`);
      else tables[table] = { ...declaration, owner: service.name };
    }
    for (const facade of service.exposes ?? []) {
      if (!facade.module.startsWith(`functions/${service.name}/`)) problem(`facade ${facade.module} of ${service.name} must live in functions/${service.name}/`);
      for (const table of Object.keys(facade.tables)) {
        if (!(service.tables && table in service.tables)) problem(`facade ${facade.module} grants table "${table}", which ${service.name} does not own`);
      }
      facades.set(facade.module, { service: service.name, tables: facade.tables });
    }
  }
  const envVars = Object.values(tables).map((table) => table.envVar);
  for (const envVar of new Set(envVars)) if (envVars.filter((value) => value === envVar).length > 1) problem(`table variable ${envVar} is declared by more than one table`);

  const functions: Record<string, ComposedFunction> = {};
  for (const service of services) {
    for (const [name, declaration] of Object.entries(service.functions)) {
      if (!LOGICAL_NAME.test(name)) problem(`function "${name}" (${service.name}): names are camelCase letters and digits`);
      if (functions[name]) problem(`function "${name}" is declared by both ${functions[name].service} and ${service.name}`);
      if (!declaration.entry.startsWith(`functions/${service.name}/`) || !declaration.entry.endsWith('.handler.ts')) {
        problem(`function ${name}: its entry ${declaration.entry} must be a functions/${service.name}/*.handler.ts module`);
      }
      const bound: Record<string, TableAccess> = {};
      for (const [table, access] of Object.entries(declaration.tables ?? {})) {
        const owner = tables[table]?.owner;
        if (!owner) problem(`function ${name} binds table "${table}", which no service declares`);
        else if (owner !== service.name) problem(`function ${name} (${service.name}) binds ${owner}'s table "${table}": use a facade ${owner} exposes`);
        bound[table] = access;
      }
      for (const module of declaration.uses ?? []) {
        const facade = facades.get(module);
        if (!facade) problem(`function ${name} uses ${module}, which no service exposes as a facade`);
        else if (facade.service === service.name) problem(`function ${name} uses its own service's facade ${module}: bind the table instead`);
        else for (const [table, access] of Object.entries(facade.tables)) bound[table] = bound[table] === 'readWrite' ? 'readWrite' : access;
      }
      functions[name] = { ...declaration, name, service: service.name, tables: bound, invokes: [...(declaration.invokes ?? [])] };
    }
  }

  const ownFunction = (service: ServiceModule, name: string, what: string) => {
    if (!(name in service.functions)) problem(`${what} names function "${name}", which ${service.name} does not declare`);
  };

  const routes: ComposedRoute[] = [];
  for (const service of services) {
    for (const binding of service.routes ?? []) {
      const { route } = binding;
      const key = routeKey(route);
      ownFunction(service, binding.function, `route ${key}`);
      // The API is versioned under /v1/; the exceptions are pages for people, public GETs only: short links opened
      // from an email or a post (/r/{code} share links, survey and testimonial pages), which must stay short and never
      // change, and the API reference (/docs and its assets).
      const publicGet = route.method === 'GET' && route.access.length === 1 && route.access[0] === 'public';
      const page = publicGet && (SHORT_PUBLIC_LINK.test(route.path) || REFERENCE_PAGE.test(route.path));
      if (!route.path.startsWith('/v1/') && !page) problem(`route ${key}: paths start with /v1/ (or are public GET short links like /r/{code}, or the reference at /docs)`);
      if (route.access.length === 0) problem(`route ${key} declares no access`);
      for (const access of route.access) if (!VALID_ACCESS.includes(access)) problem(`route ${key}: unknown access "${access}"`);
      if (route.access.includes('public') && route.access.length > 1) problem(`route ${key}: public routes list no other access`);
      if (Object.keys(route.responses).length === 0) problem(`route ${key} declares no response`);
      if (routes.some((existing) => routeKey(existing) === key)) problem(`route ${key} is declared twice`);
      // Any origin may read an open-CORS route, and it is served from an API without authorizers or CORS: public GETs only.
      const openCors = route.openCors === true;
      if (openCors && !(route.method === 'GET' && route.access.length === 1 && route.access[0] === 'public')) {
        problem(`route ${key}: openCors (readable by any origin, from the open API) is for public GET routes only`);
      }
      routes.push({ method: route.method, path: route.path, function: binding.function, access: route.access, contract: route, service: service.name, openCors });
    }
  }

  const events: EventContract[] = [];
  for (const service of services) {
    for (const event of service.produces ?? []) {
      const clash = events.find((known) => known.detailType === event.detailType && known.version === event.version);
      if (clash) problem(`event ${event.detailType} v${event.version} is produced by more than one service declaration`);
      else events.push(event);
    }
  }

  const subscriptions: SubscriptionDeclaration[] = [];
  const schedules: ScheduleDeclaration[] = [];
  const ruleNames = new Set<string>();
  const uniqueRule = (name: string) => {
    if (ruleNames.has(name)) problem(`rule or schedule name "${name}" is used twice`);
    ruleNames.add(name);
  };
  for (const service of services) {
    for (const subscription of service.subscriptions ?? []) {
      ownFunction(service, subscription.function, `subscription ${subscription.name}`);
      uniqueRule(subscription.name);
      if (!subscription.name.startsWith(`${service.name}-`)) problem(`subscription ${subscription.name}: rule names start with the service name (${service.name}-)`);
      if (!events.includes(subscription.event)) problem(`subscription ${subscription.name} consumes ${subscription.event.detailType} v${subscription.event.version}, which no service declares it produces`);
      subscriptions.push(subscription);
    }
    for (const schedule of service.schedules ?? []) {
      ownFunction(service, schedule.function, `schedule ${schedule.name}`);
      uniqueRule(schedule.name);
      if (!schedule.name.startsWith(`${service.name}-`)) problem(`schedule ${schedule.name}: names start with the service name (${service.name}-)`);
      schedules.push(schedule);
    }
  }

  const privacy: { service: string; export: string; erase: string }[] = [];
  for (const service of services) {
    if (!service.privacy) continue;
    ownFunction(service, service.privacy.export, `the privacy export of ${service.name}`);
    ownFunction(service, service.privacy.erase, `the privacy erasure of ${service.name}`);
    const erases = (service.subscriptions ?? []).some((subscription) => subscription.function === service.privacy?.erase && subscription.event.detailType === ERASURE_REQUESTED);
    if (!erases) problem(`${service.name}: its erase function ${service.privacy.erase} must subscribe to ${ERASURE_REQUESTED}`);
    privacy.push({ service: service.name, ...service.privacy });
  }
  const role = (key: 'fallback' | 'authorizer' | 'outboxRelay' | 'privacyExport'): string => {
    const players = services.flatMap((service) => {
      const name = service.roles?.[key];
      if (name === undefined) return [];
      ownFunction(service, name, `role ${key} of ${service.name}`);
      return [name];
    });
    if (players.length !== 1) problem(`exactly one function must play the ${key} role (found ${players.length})`);
    return players[0] ?? '';
  };
  const fallbackFunction = role('fallback');
  const apiKeyAuthorizerFunction = role('authorizer');
  const outboxRelayFunction = role('outboxRelay');
  const privacyExportFunction = role('privacyExport');
  const exportFunction = functions[privacyExportFunction];
  if (exportFunction) functions[privacyExportFunction] = { ...exportFunction, invokes: [...exportFunction.invokes, ...privacy.map((duty) => duty.export)] };
  for (const fn of Object.values(functions)) {
    for (const target of fn.invokes) if (!functions[target]) problem(`function ${fn.name} invokes "${target}", which is not declared`);
  }

  const streams: StreamDeclaration[] = Object.entries(tables)
    .filter(([, table]) => table.stream)
    .map(([table]) => ({ table, function: outboxRelayFunction, ...OUTBOX_STREAM }));

  // Every function has a reason to exist: a route, a subscription, a schedule, a role or a privacy duty.
  const used = new Set<string>([
    ...routes.map((route) => route.function),
    ...subscriptions.map((subscription) => subscription.function),
    ...schedules.map((schedule) => schedule.function),
    fallbackFunction,
    apiKeyAuthorizerFunction,
    outboxRelayFunction,
    privacyExportFunction,
    ...privacy.map((duty) => duty.export),
  ]);
  for (const name of Object.keys(functions)) if (!used.has(name)) problem(`function ${name} is declared but nothing invokes it (no route, subscription, schedule, role or privacy duty)`);

  if (problems.length > 0) throw new TopologyDeclarationError(problems);
  return { services, tables, functions, routes, fallbackFunction, apiKeyAuthorizerFunction, outboxRelayFunction, privacyExportFunction, subscriptions, streams, schedules, events, privacy };
}
