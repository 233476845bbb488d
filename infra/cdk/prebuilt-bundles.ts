import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { esbuildOptions } from '../bundling';

/**
 * Every function's Lambda bundle, built in ONE esbuild run with the shared settings (infra/bundling.ts) before the
 * functions are constructed. NodejsFunction would spawn esbuild once per function — about a second each, over a
 * hundred seconds for the whole app — where one run shares the parsing of everything the functions have in common.
 * Each function gets its own directory holding `index.mjs` (and its source map), the asset its `Code` points at.
 *
 * `cdk synth --exclusively` and the infra tests' extra stages skip bundling through the standard
 * `aws:cdk:bundling-stacks` context (an empty list): then every function points at one placeholder that refuses to
 * run, as CDK's own skipped bundling does, and such a template is never deployed.
 */
export function prebuiltBundles(root: string, functions: readonly { name: string; entry: string }[], skip: boolean): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'loyalty-lambda-bundles-'));
  // Synthesis copies each bundle into the cloud assembly as an asset; the build directory goes with the process.
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  if (skip) {
    const placeholder = join(outdir, 'not-bundled');
    mkdirSync(placeholder);
    writeFileSync(join(placeholder, 'index.mjs'), "export const handler = () => { throw new Error('synthesized without bundling: not deployable'); };\n");
    return new Map(functions.map((fn) => [fn.name, placeholder]));
  }
  const { entryPoints: _entry, outfile: _outfile, ...shared } = esbuildOptions('', '', root);
  const built = join(outdir, 'built');
  buildSync({ ...shared, absWorkingDir: root, entryPoints: Object.fromEntries(functions.map((fn) => [fn.name, resolve(root, fn.entry)])), outdir: built, outExtension: { '.js': '.mjs' } });
  return new Map(
    functions.map((fn) => {
      const dir = join(outdir, 'functions', fn.name);
      mkdirSync(dir, { recursive: true });
      // Lambda loads index.mjs; the bundle's last line names its map, which moves with it.
      const code = readFileSync(join(built, `${fn.name}.mjs`), 'utf8').replace(new RegExp(`//# sourceMappingURL=${fn.name}\\.mjs\\.map\\s*$`), '//# sourceMappingURL=index.mjs.map\n');
      writeFileSync(join(dir, 'index.mjs'), code);
      copyFileSync(join(built, `${fn.name}.mjs.map`), join(dir, 'index.mjs.map'));
      return [fn.name, dir];
    }),
  );
}
