import { build } from 'esbuild';
import { relative, resolve } from 'node:path';
import { BUNDLE_BUDGET_KIB, esbuildOptions, SMALL_BUNDLE_BUDGET_KIB, SMALL_BUNDLE_FUNCTIONS } from '../../infra/bundling';
import { topology } from '../../infra/topology';

/**
 * What goes into each Lambda bundle, built with the very settings the CDK app and the benchmark use. Init times are
 * measured by `npm run bench`; this proves the meta service's bundles (the reference page's renderer among them)
 * are within the size budget the bench reports, and the structure: no handler carries the topology (so a topology edit redeploys nothing but what changed), another
 * service's contracts, zod's other locales, or the SDK's credential chain Lambda never uses.
 */
const root = process.cwd();
const inputsByFunction = new Map<string, string[]>();
const bytesByFunction = new Map<string, number>();

beforeAll(async () => {
  // One esbuild run for every function (as the local runtime builds them, infra/lambda-bundles.ts): without
  // `splitting` each entry point is still bundled on its own, so each output's inputs and size are exactly those of
  // a build of that function alone — but the sources are parsed once, not once per function (~3 s instead of ~50 s).
  const functions = Object.values(topology.functions);
  const { entryPoints: _entry, outfile: _outfile, ...shared } = esbuildOptions('', '', root);
  const result = await build({
    ...shared,
    absWorkingDir: root,
    entryPoints: Object.fromEntries(functions.map((fn) => [fn.name, resolve(root, fn.entry)])),
    outdir: '/tmp/bundle-test',
    outExtension: { '.js': '.mjs' },
    metafile: true,
    write: false,
  });
  for (const fn of functions) {
    const output = Object.entries(result.metafile.outputs).find(([path, candidate]) => candidate.entryPoint !== undefined && path.endsWith(`/${fn.name}.mjs`))?.[1];
    inputsByFunction.set(fn.name, Object.keys(output?.inputs ?? {}).map((path) => relative(root, resolve(root, path))));
    bytesByFunction.set(fn.name, output?.bytes ?? Number.NaN);
  }
}, 120_000);

describe('Lambda bundles', () => {
  it('bundles every function', () => {
    expect([...inputsByFunction.keys()].sort()).toEqual(Object.keys(topology.functions).sort());
  });

  it("keep the meta service's bundles within the size budget `npm run bench` measures (KiB of the .mjs, source map excluded)", () => {
    // The reference page's renderer (~333 KiB of Z85 text, the largest asset any function carries) has a function of
    // its own, getDocsAsset, which must stay within the budget; the page and the other meta functions stay small.
    // (Only meta is asserted here: `npm run bench` reports every function against the same budgets.)
    const meta = Object.values(topology.functions).filter((fn) => fn.service === 'meta').map((fn) => fn.name);
    expect(meta).toEqual(expect.arrayContaining(['getDocs', 'getDocsAsset', 'getOpenApi', 'getVersion']));
    const budgetOf = (name: string) => (SMALL_BUNDLE_FUNCTIONS.includes(name) ? SMALL_BUNDLE_BUDGET_KIB : BUNDLE_BUDGET_KIB);
    const over = meta.filter((name) => !((bytesByFunction.get(name) ?? Number.NaN) / 1024 <= budgetOf(name)));
    expect(over.map((name) => `${name}: ${((bytesByFunction.get(name) ?? Number.NaN) / 1024).toFixed(1)} KiB`)).toEqual([]);
    for (const name of meta.filter((candidate) => candidate !== 'getDocsAsset')) expect([name, (bytesByFunction.get(name) ?? Number.NaN) / 1024 < 100]).toEqual([name, true]);
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
