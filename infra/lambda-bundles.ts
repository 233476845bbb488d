import { build } from 'esbuild';
import { resolve } from 'node:path';
import { esbuildOptions } from './bundling';

/**
 * Builds many functions' bundles in one esbuild run (shared parsing: ~2.5 s for all instead of ~0.25 s each), with
 * the CDK app's settings. Returns each function's .mjs path. A build error rejects, naming the files.
 */
export async function buildBundles(root: string, outdir: string, functions: readonly { name: string; entry: string }[]): Promise<Map<string, string>> {
  if (functions.length === 0) return new Map();
  const { entryPoints: _entry, outfile: _outfile, ...shared } = esbuildOptions('', '', root);
  await build({
    ...shared,
    entryPoints: Object.fromEntries(functions.map((fn) => [fn.name, resolve(root, fn.entry)])),
    outdir,
    outExtension: { '.js': '.mjs' },
  });
  return new Map(functions.map((fn) => [fn.name, resolve(outdir, `${fn.name}.mjs`)]));
}
