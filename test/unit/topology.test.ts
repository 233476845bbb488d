import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { composeTopology, TopologyDeclarationError } from '../../infra/compose';
import { asyncInvokeSettings } from '../../infra/cdk/derived';
import { functionEnvironment, tableEnvironment } from '../../infra/environment';
import { topology } from '../../infra/topology';
import { authorizerKindFor, routeKey, type Access } from '../../infra/topology-types';
import { defineRoute } from '../../shared/http/route';
import type { ServiceModule } from '../../shared/service/declarations';
import * as z from 'zod';

/** The topology is composed from the services' own declarations, and a declaration that is incomplete fails. */
const root = process.cwd();

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, suffix);
    return entry.name.endsWith(suffix) ? [relative(root, path)] : [];
  });
}

describe('topology', () => {
  it('declares every handler module, and every declared entry exists', () => {
    const declared = Object.values(topology.functions).map((fn) => fn.entry).sort();
    expect(filesUnder(join(root, 'functions'), '.handler.ts').sort()).toEqual([...new Set(declared)].sort());
  });

  it('gives every route exactly one valid access declaration and a unique method and path', () => {
    const valid: Access[] = ['public', 'storefront', 'customer', 'marketer'];
    for (const route of topology.routes) {
      expect(route.access.length).toBeGreaterThan(0);
      for (const access of route.access) expect(valid).toContain(access);
      if (route.access.includes('public')) expect(route.access).toEqual(['public']);
      expect(authorizerKindFor(route.access)).toBeDefined();
    }
    const keys = topology.routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has consistent async settings per consumer and unique rule and schedule names', () => {
    for (const subscription of topology.subscriptions) expect(() => asyncInvokeSettings(topology, subscription.function)).not.toThrow();
    const names = [...topology.subscriptions.map((subscription) => subscription.name), ...topology.schedules.map((schedule) => schedule.name)];
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every table one owner, and every streamed table to the outbox relay', () => {
    expect(Object.fromEntries(Object.entries(topology.tables).map(([name, table]) => [name, table.owner]))).toEqual({
      identity: 'identity',
      purchases: 'purchases',
      customers: 'customers',
      feedback: 'feedback',
      journey: 'journey',
      loyalty: 'loyalty',
      referrals: 'referrals',
      testimonials: 'testimonials',
      webhooks: 'webhooks',
      webhooksOut: 'webhooks-out',
    });
    expect(topology.streams.map((stream) => stream.table).sort()).toEqual(['customers', 'feedback', 'journey', 'loyalty', 'purchases', 'referrals', 'testimonials', 'webhooksOut']);
    for (const stream of topology.streams) expect(stream.function).toBe(topology.outboxRelayFunction);
  });

  it('reaches every service with personal data for export and erasure through its own functions', () => {
    expect(topology.privacy.map((duty) => duty.service).sort()).toEqual(['customers', 'feedback', 'journey', 'loyalty', 'purchases', 'referrals', 'testimonials', 'webhooks-out']);
    const exporter = topology.functions[topology.privacyExportFunction];
    expect(exporter?.invokes.slice().sort()).toEqual(topology.privacy.map((duty) => duty.export).sort());
    // The export function binds no table: it asks the services.
    expect(exporter?.tables).toEqual({});
    for (const duty of topology.privacy) {
      expect(topology.functions[duty.export]?.service).toBe(duty.service);
      expect(topology.subscriptions.some((subscription) => subscription.function === duty.erase && subscription.event === CustomerErasureRequested)).toBe(true);
    }
  });

  it('handles every declared schedule name in the scheduled function itself', async () => {
    const byFunction = new Map<string, string[]>();
    for (const schedule of topology.schedules) byFunction.set(schedule.function, [...(byFunction.get(schedule.function) ?? []), schedule.name]);
    for (const [name, schedules] of byFunction) {
      const declaration = topology.functions[name];
      if (!declaration) throw new Error(`no function ${name}`);
      // Imported with the function's own environment, as Lambda loads it.
      Object.assign(process.env, functionEnvironment(name, { stage: 'test', tokens: { issuer: 'i', audience: 'a', jwksUrl: 'https://i/jwks' } }), tableEnvironment(name, 'test'));
      const module = (await import(resolve(root, declaration.entry))) as { handler: { schedules?: readonly string[] } };
      expect([name, [...(module.handler.schedules ?? [])].sort()]).toEqual([name, [...schedules].sort()]);
    }
  });
});

describe('service boundaries', () => {
  const facades = new Set(topology.services.flatMap((service) => (service.exposes ?? []).map((facade) => facade.module)));
  const serviceOf = (file: string) => /^functions\/([^/]+)\//.exec(file)?.[1];

  it("lets a service import another service's code only through a facade that service exposes", () => {
    const violations: string[] = [];
    for (const file of filesUnder(join(root, 'functions'), '.ts')) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const match of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = `${relative(root, resolve(root, dirname(file), match[1] as string))}.ts`;
        const owner = serviceOf(target);
        if (owner && owner !== serviceOf(file) && !facades.has(target)) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('binds another service table only through the facade the function declares it uses', () => {
    for (const fn of Object.values(topology.functions)) {
      for (const table of Object.keys(fn.tables)) {
        const owner = topology.tables[table]?.owner;
        if (owner === fn.service) continue;
        const through = (fn.uses ?? []).filter((module) => module.startsWith(`functions/${owner}/`));
        expect([fn.name, table, through.length > 0]).toEqual([fn.name, table, true]);
      }
    }
  });
});

describe('composing declarations', () => {
  const ok = defineRoute({ method: 'GET', path: '/v1/things', access: ['marketer'], summary: 'Things', responses: { 200: z.object({}) } });
  const base = (overrides: Partial<ServiceModule> = {}): ServiceModule => ({
    name: 'things',
    description: 'A test service',
    tables: { things: { partitionKey: { name: 'pk', type: 'S' }, envVar: 'THINGS_TABLE_NAME' } },
    functions: {
      listThings: { entry: 'functions/things/list-things.handler.ts', description: 'GET /v1/things', memoryMb: 256, timeoutSeconds: 5, tables: { things: 'read' } },
    },
    routes: [{ route: ok, function: 'listThings' }],
    ...overrides,
  });
  const platform: ServiceModule = {
    name: 'platform',
    description: 'roles',
    functions: {
      fallback: { entry: 'functions/platform/fallback.handler.ts', description: 'f', memoryMb: 128, timeoutSeconds: 3 },
      authorizer: { entry: 'functions/platform/authorizer.handler.ts', description: 'a', memoryMb: 128, timeoutSeconds: 3 },
      relay: { entry: 'functions/platform/relay.handler.ts', description: 'r', memoryMb: 128, timeoutSeconds: 3 },
      exporter: { entry: 'functions/platform/exporter.handler.ts', description: 'e', memoryMb: 128, timeoutSeconds: 3 },
    },
    roles: { fallback: 'fallback', authorizer: 'authorizer', outboxRelay: 'relay', privacyExport: 'exporter' },
  };
  const problemsOf = (...services: ServiceModule[]) => {
    try {
      composeTopology([platform, ...services]);
      return [];
    } catch (error) {
      if (error instanceof TopologyDeclarationError) return error.problems;
      throw error;
    }
  };

  it('accepts a complete service: one folder, one line', () => {
    expect(problemsOf(base())).toEqual([]);
  });

  it('rejects a route without access', () => {
    expect(problemsOf(base({ routes: [{ route: { ...ok, access: [] }, function: 'listThings' }] }))).toContain('route GET /v1/things declares no access');
  });

  it('rejects a table without an owner, and a table bound by another service', () => {
    expect(problemsOf(base({ tables: {} })).join('\n')).toMatch(/binds table "things", which no service declares/);
    const other = base({ name: 'others', tables: {}, routes: [], functions: { peek: { entry: 'functions/others/peek.handler.ts', description: 'p', memoryMb: 128, timeoutSeconds: 3, tables: { things: 'read' } } } });
    expect(problemsOf(base(), other).join('\n')).toMatch(/peek \(others\) binds things's table "things": use a facade things exposes/);
  });

  it('rejects consuming an event no service produces', () => {
    const consumer = base({ subscriptions: [{ name: 'things-on-purchase', event: PurchaseRecorded, function: 'listThings', retryAttempts: 2, maxEventAgeSeconds: 60 }] });
    expect(problemsOf(consumer).join('\n')).toMatch(/consumes PurchaseRecorded v1, which no service declares it produces/);
  });

  it('rejects a schedule or subscription naming a function the service does not declare', () => {
    const scheduled = base({ schedules: [{ name: 'things-nightly', function: 'nightly', expression: 'rate(1 day)', description: 'd' }] });
    expect(problemsOf(scheduled)).toContain('schedule things-nightly names function "nightly", which things does not declare');
  });

  it('rejects a function nothing invokes, an entry outside its folder, and a privacy duty without an erasure subscription', () => {
    const problems = problemsOf(
      base({
        functions: {
          listThings: { entry: 'functions/elsewhere/list.handler.ts', description: 'x', memoryMb: 128, timeoutSeconds: 3, tables: { things: 'read' } },
          orphan: { entry: 'functions/things/orphan.handler.ts', description: 'x', memoryMb: 128, timeoutSeconds: 3 },
        },
        privacy: { export: 'listThings', erase: 'listThings' },
      }),
    );
    expect(problems.join('\n')).toMatch(/function listThings: its entry functions\/elsewhere\/list.handler.ts must be a functions\/things\/\*\.handler\.ts module/);
    expect(problems.join('\n')).toMatch(/function orphan is declared but nothing invokes it/);
    expect(problems.join('\n')).toMatch(/things: its erase function listThings must subscribe to CustomerErasureRequested/);
  });

  it('versions routes under /v1/, except public GET short links like /r/{code} and the reference at /docs', () => {
    const rule = (key: string) => `route ${key}: paths start with /v1/ (or are public GET short links like /r/{code}, or the reference at /docs)`;
    const link = { ...ok, path: '/r/{code}', access: ['public'] as const };
    expect(problemsOf(base({ routes: [{ route: link, function: 'listThings' }] }))).toEqual([]);
    expect(problemsOf(base({ routes: [{ route: { ...link, access: ['storefront'] as const }, function: 'listThings' }] }))).toContain(rule('GET /r/{code}'));
    expect(problemsOf(base({ routes: [{ route: { ...link, path: '/things' }, function: 'listThings' }] }))).toContain(rule('GET /things'));
    for (const path of ['/docs', '/docs/assets/{file}']) expect(problemsOf(base({ routes: [{ route: { ...link, path }, function: 'listThings' }] }))).toEqual([]);
    expect(problemsOf(base({ routes: [{ route: { ...link, path: '/docs', access: ['marketer'] as const }, function: 'listThings' }] }))).toContain(rule('GET /docs'));
    expect(problemsOf(base({ routes: [{ route: { ...link, path: '/docs/private' }, function: 'listThings' }] }))).toContain(rule('GET /docs/private'));
    expect(problemsOf(base({ routes: [{ route: { ...link, method: 'POST', path: '/docs' }, function: 'listThings' }] }))).toContain(rule('POST /docs'));
  });

  it('opens CORS (any origin, from the open API) on public GET routes only', () => {
    const wall = { ...ok, path: '/v1/walls/{wallId}', access: ['public'] as const, openCors: true as const };
    expect(problemsOf(base({ routes: [{ route: wall, function: 'listThings' }] }))).toEqual([]);
    expect(problemsOf(base({ routes: [{ route: { ...wall, method: 'POST' }, function: 'listThings' }] }))).toContain(
      'route POST /v1/walls/{wallId}: openCors (readable by any origin, from the open API) is for public GET routes only',
    );
    expect(problemsOf(base({ routes: [{ route: { ...wall, access: ['storefront'] as const }, function: 'listThings' }] }))).toContain(
      'route GET /v1/walls/{wallId}: openCors (readable by any origin, from the open API) is for public GET routes only',
    );
    expect(composeTopology([platform, base({ routes: [{ route: wall, function: 'listThings' }] })]).routes.map((route) => route.openCors)).toEqual([true]);
    expect(composeTopology([platform, base()]).routes.map((route) => route.openCors)).toEqual([false]);
    // In the system: the wall and its widget, the rewards widget's script, and no other route.
    expect(topology.routes.filter((route) => route.openCors).map(routeKey).sort()).toEqual(['GET /l/{file}', 'GET /v1/walls/{wallId}', 'GET /w/{file}']);
  });

  it('rejects a duplicate route and a facade that is not exposed', () => {
    const twice = base({ routes: [{ route: ok, function: 'listThings' }, { route: ok, function: 'listThings' }] });
    expect(problemsOf(twice)).toContain('route GET /v1/things is declared twice');
    const user = base({ functions: { listThings: { entry: 'functions/things/list-things.handler.ts', description: 'x', memoryMb: 128, timeoutSeconds: 3, uses: ['functions/purchases/purchases.facade.ts'] } } });
    expect(problemsOf(user).join('\n')).toMatch(/uses functions\/purchases\/purchases.facade.ts, which no service exposes/);
  });
});
