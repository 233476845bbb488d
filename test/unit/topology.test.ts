import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { topology } from '../../infra/topology';
import { authorizerKindFor, routeKey, type Access } from '../../infra/topology-types';
import { asyncInvokeSettings } from '../../infra/cdk/derived';

/** The topology is the only place functions and routes exist, and it is internally consistent. */
const root = process.cwd();

function handlerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return handlerFiles(path);
    return entry.name.endsWith('.handler.ts') ? [relative(root, path)] : [];
  });
}

describe('topology', () => {
  it('declares every handler module, and every declared entry exists', () => {
    const declared = Object.values(topology.functions).map((fn) => fn.entry).sort();
    expect(handlerFiles(join(root, 'functions')).sort()).toEqual([...new Set(declared)].sort());
  });

  it('gives every route exactly one valid access declaration and a unique method and path', () => {
    const valid: Access[] = ['public', 'storefront', 'customer', 'marketer'];
    for (const declared of topology.routes) {
      const route = { ...declared, access: declared.access as readonly Access[] };
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
});
