import { build } from 'esbuild';
import { relative, resolve } from 'node:path';
import { esbuildOptions } from '../../infra/bundling';
import { topology } from '../../infra/topology';

/**
 * What goes into each Lambda bundle, built with the very settings the CDK app and the benchmark use. Sizes and init
 * times are measured by `npm run bench`; this proves the structure: no handler carries the topology (so a topology
 * edit redeploys nothing but what changed), another service's contracts, zod's other locales, or the SDK's
 * credential chain Lambda never uses.
 */
const root = process.cwd();
const inputsByFunction = new Map<string, string[]>();

beforeAll(async () => {
  for (const fn of Object.values(topology.functions)) {
    const result = await build({ ...esbuildOptions(resolve(root, fn.entry), `/tmp/bundle-test/${fn.name}.mjs`, root), metafile: true, write: false });
    const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
    inputsByFunction.set(fn.name, Object.keys(output?.inputs ?? {}).map((path) => relative(root, resolve(root, path))));
  }
}, 120_000);

describe('Lambda bundles', () => {
  it('bundles every function', () => {
    expect([...inputsByFunction.keys()].sort()).toEqual(Object.keys(topology.functions).sort());
  });

  it('never contain the topology, a service declaration or anything else from infra/', () => {
    for (const [name, inputs] of inputsByFunction) {
      expect([name, inputs.filter((input) => input.startsWith('infra/') || /^functions\/[^/]+\/service\.ts$/.test(input))]).toEqual([name, []]);
    }
  });

  it("carry only their own service's route contracts", () => {
    for (const [name, inputs] of inputsByFunction) {
      const service = topology.functions[name]?.service;
      const foreign = inputs.filter((input) => /^functions\/[^/]+\/[^/]+\.routes\.ts$/.test(input) && !input.startsWith(`functions/${service}/`));
      expect([name, foreign]).toEqual([name, []]);
    }
  });

  it("carry no zod locale but English, and not the SDK's default credential chain", () => {
    for (const [name, inputs] of inputsByFunction) {
      const locales = inputs.filter((input) => input.includes('zod/v4/locales/') && !input.endsWith('/en.js'));
      const chain = inputs.filter((input) => /@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity)|nested-clients)\//.test(input));
      expect([name, locales, chain]).toEqual([name, [], []]);
    }
  });

  it('keep the health check and the fallback free of the AWS SDK and zod classic', () => {
    for (const name of ['health', 'fallback']) {
      const heavy = (inputsByFunction.get(name) ?? []).filter((input) => /node_modules\/(@aws-sdk|@smithy)\//.test(input) || input.includes('zod/v4/classic/'));
      expect([name, heavy]).toEqual([name, []]);
    }
  });
});
