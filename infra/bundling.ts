import { resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda bundle is built — one definition for the CDK app (infra/cdk/prebuilt-bundles.ts, one esbuild run with these
 * settings) and for `npm run bench` and the bundle tests (esbuild's API), so what is measured is what is deployed.
 * Minified ESM for Node.js 22 with the AWS SDK included (bundled SDK code cold-starts faster than the runtime's),
 * linked source maps without the sources' content (stack traces keep file and line; the map stays small), and the
 * SDK's default credential chain replaced by the environment provider Lambda needs (shared/aws/lambda-credentials.ts).
 */
export const LAMBDA_BUNDLE = {
  target: 'node22',
  format: 'esm',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  externalModules: [] as string[],
  // Some CommonJS dependencies call require(); give ESM bundles one.
  banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
  /** Packages replaced by a module of ours (paths from the repository root). */
  alias: { '@aws-sdk/credential-provider-node': 'shared/aws/lambda-credentials.ts' } as Readonly<Record<string, string>>,
} as const;

/** The aliases with absolute paths, as esbuild takes them. */
export function bundleAliases(root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(LAMBDA_BUNDLE.alias).map(([module, path]) => [module, resolve(root, path)]));
}

/** The same settings for esbuild's API (the benchmark and the bundle tests). */
export function esbuildOptions(entry: string, outfile: string, root: string): BuildOptions {
  return {
    alias: bundleAliases(root),
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    external: [...LAMBDA_BUNDLE.externalModules],
    banner: { js: LAMBDA_BUNDLE.banner },
    logLevel: 'silent',
  };
}

/** Bundle budgets measured by `npm run bench` (KiB of the .mjs, source map excluded). */
export const BUNDLE_BUDGET_KIB = 400;
/** Functions that answer without touching a dependency stay this small. */
export const SMALL_BUNDLE_BUDGET_KIB = 100;
export const SMALL_BUNDLE_FUNCTIONS: readonly string[] = ['health', 'fallback'];
