import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the marketer console (console/src, Preact + the typed client) into console/dist: index.html and
 * content-hashed assets/ (one module script, one stylesheet), nothing inline, so the page runs under a policy
 * without 'unsafe-inline'. esbuild is already the project's bundler (the Lambda bundles, the wall widget): the console
 * needs no second build tool, and a build takes well under a second, which is what lets `npm start` rebuild a stale
 * dist on its own. `npm install` and `npm ci` run it through the `prepare` script; `npm run build:console` by hand.
 *
 * dist/build-info.json records a digest of every input (the sources, this script, the typed client, the installed
 * Preact): `consoleIsStale` compares it, so a checkout that changed the console rebuilds on the next start.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
export const CONSOLE_DIST = join(here, 'dist');
const BUILD_INFO = 'build-info.json';

function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(directory, entry.name)) : [join(directory, entry.name)]))
    .sort();
}

/** Every file the build reads from this repository, and the Preact release it bundles. */
export function consoleSourceDigest(): string {
  const hash = createHash('sha256');
  const inputs = [...filesUnder(join(here, 'src')), join(here, 'index.html'), join(here, 'build.ts'), ...filesUnder(join(root, 'client', 'src'))];
  for (const file of inputs) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  const preact = join(root, 'node_modules', 'preact', 'package.json');
  hash.update(existsSync(preact) ? (JSON.parse(readFileSync(preact, 'utf8')) as { version: string }).version : 'no preact');
  return hash.digest('hex');
}

export function consoleIsStale(dist = CONSOLE_DIST): boolean {
  const info = join(dist, BUILD_INFO);
  if (!existsSync(info) || !existsSync(join(dist, 'index.html'))) return true;
  try {
    return (JSON.parse(readFileSync(info, 'utf8')) as { digest?: string }).digest !== consoleSourceDigest();
  } catch {
    return true;
  }
}

export interface ConsoleBuild {
  readonly script: string;
  readonly stylesheet: string;
  readonly bytes: number;
}

export async function buildConsole(dist = CONSOLE_DIST): Promise<ConsoleBuild> {
  const digest = consoleSourceDigest();
  // Written beside and swapped in whole: a runtime serving the old dist never sees half a build.
  const staging = `${dist}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    entryPoints: { console: join(here, 'src', 'main.tsx') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(staging, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    write: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => resolve(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const stylesheet = outputs.find((file) => file.endsWith('.css'));
  if (!script || !stylesheet) throw new Error('esbuild wrote no console script or stylesheet');
  const name = (file: string) => relative(staging, file).split('\\').join('/');
  const template = readFileSync(join(here, 'index.html'), 'utf8');
  const html = template.replace('%STYLESHEET%', `./${name(stylesheet)}`).replace('%SCRIPT%', `./${name(script)}`);
  if (html.includes('%')) throw new Error('console/index.html has a placeholder the build does not fill');
  writeFileSync(join(staging, 'index.html'), html);
  writeFileSync(join(staging, BUILD_INFO), `${JSON.stringify({ digest, script: name(script), stylesheet: name(stylesheet) }, null, 2)}\n`);
  mkdirSync(dirname(dist), { recursive: true });
  rmSync(dist, { recursive: true, force: true });
  try {
    renameSync(staging, dist);
  } catch (error) {
    // Another process (a second `npm start`, a parallel test) put the same build in place between the two calls.
    rmSync(staging, { recursive: true, force: true });
    if (consoleIsStale(dist)) throw error;
  }
  const final = (file: string) => join(dist, name(file));
  return { script: name(script), stylesheet: name(stylesheet), bytes: statSync(final(script)).size + statSync(final(stylesheet)).size };
}

/** Builds when the dist is missing or older than its sources; answers whether it built. */
export async function ensureConsoleBuilt(dist = CONSOLE_DIST): Promise<boolean> {
  if (!consoleIsStale(dist)) return false;
  await buildConsole(dist);
  return true;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildConsole();
  console.log(`console/dist: ${built.script}, ${built.stylesheet} (${(built.bytes / 1024).toFixed(1)} KiB)`);
}
