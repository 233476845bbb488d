import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
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

/**
 * Every function's bundle, reused from the last build when nothing it was built from changed: the local runtime (and
 * each end-to-end test that starts one) otherwise spends ~5 s re-bundling ~55 functions on every start. The cache is
 * exact, not heuristic: it keeps esbuild's own list of the files the build read (its metafile: our sources and every
 * node_modules file bundled) with a digest of their contents, and reuses the bundles only when the same settings and
 * functions meet the same digest. Anything else builds into a new directory, and a pointer file is swapped atomically;
 * a directory is never changed or removed while a running runtime may still load from it (builds older than a day go).
 */
export async function cachedBundles(root: string, cacheRoot: string, functions: readonly { name: string; entry: string }[]): Promise<Map<string, string>> {
  const outputs = (dir: string) => new Map(functions.map((fn) => [fn.name, resolve(dir, `${fn.name}.mjs`)]));
  const settings = createHash('sha256').update(JSON.stringify({ options: esbuildOptions('', '', root), functions: functions.map((fn) => [fn.name, fn.entry]) })).digest('hex').slice(0, 24);
  const pointer = join(cacheRoot, `${settings}.json`);
  if (existsSync(pointer)) {
    try {
      const current = JSON.parse(readFileSync(pointer, 'utf8')) as { dir: string; inputs: string[]; digest: string };
      const dir = join(cacheRoot, current.dir);
      if (digestOf(root, current.inputs) === current.digest && [...outputs(dir).values()].every((file) => existsSync(file))) return outputs(dir);
    } catch {
      // an unreadable pointer or a vanished input: build
    }
  }
  mkdirSync(cacheRoot, { recursive: true });
  const name = `${settings}-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const { entryPoints: _entry, outfile: _outfile, ...shared } = esbuildOptions('', '', root);
  const result = await build({
    ...shared,
    absWorkingDir: root,
    metafile: true,
    entryPoints: Object.fromEntries(functions.map((fn) => [fn.name, resolve(root, fn.entry)])),
    outdir: join(cacheRoot, name),
    outExtension: { '.js': '.mjs' },
  });
  const inputs = Object.keys(result.metafile.inputs).filter((input) => existsSync(resolve(root, input))).sort();
  const swap = `${pointer}.${name}`;
  writeFileSync(swap, JSON.stringify({ dir: name, inputs, digest: digestOf(root, inputs) }));
  renameSync(swap, pointer);
  const dayAgo = Date.now() - 86_400_000;
  for (const entry of readdirSync(cacheRoot)) {
    const built = /^[0-9a-f]{24}-(\d+)-[0-9a-f]{8}$/.exec(entry);
    if (built && entry !== name && Number(built[1]) < dayAgo) rmSync(join(cacheRoot, entry), { recursive: true, force: true });
  }
  return outputs(join(cacheRoot, name));
}

function digestOf(root: string, inputs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(input).update('\0').update(readFileSync(resolve(root, input))).update('\0');
  return hash.digest('hex');
}
