import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { build } from 'esbuild';
import { compileEventPattern } from '../../infra/local/event-pattern';
import { BUNDLE_BUDGET_KIB, esbuildOptions, SMALL_BUNDLE_BUDGET_KIB, SMALL_BUNDLE_FUNCTIONS } from '../../infra/bundling';
import { functionEnvironment, invokedFunctionNames, tableEnvironment } from '../../infra/environment';
import { topology } from '../../infra/topology';
import { PRIVACY_EXPORTERS_VARIABLE } from '../../shared/privacy/exporter';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { startRuntimeProcess, api } from '../support/runtime-process';

/**
 * `npm run bench`: the speed and memory targets, measured (never asserted by timed tests).
 * 1. Each function's Lambda bundle (same esbuild settings as the CDK app): size and module init time in a fresh
 *    Node process — the part of a cold start that is ours.
 * 2. The local runtime under load: POST /v1/purchases latency (p50/p95/p99) at a fixed concurrency, and its RSS.
 * 3. Event-pattern matching throughput of the local bus.
 * Results go to stdout and .bench/results.json; a missed target exits 1.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const targets = {
  bundleKiB: BUNDLE_BUDGET_KIB,
  smallBundleKiB: SMALL_BUNDLE_BUDGET_KIB,
  initMsP50: 400,
  // One machine shares two cores between DynamoDB Local (Java), the API, two stream relays, the bus and the consumers;
  // every purchase drives the loyalty award and activity updates in the background. This guards regressions.
  // (Was 250 ms before the loyalty service added its award transaction and events to every purchase.)
  purchaseP95Ms: 400,
  runtimeRssMiB: 600,
  patternMatchesPerSecond: 200_000,
};
const results: Record<string, unknown> = {};
const misses: string[] = [];
const check = (name: string, value: number, limit: number, lowerIsBetter = true) => {
  const ok = lowerIsBetter ? value <= limit : value >= limit;
  if (!ok) misses.push(`${name}: ${value.toFixed(1)} (target ${lowerIsBetter ? '≤' : '≥'} ${limit})`);
  return `${value.toFixed(1)} ${ok ? '✓' : '✗'} (target ${lowerIsBetter ? '≤' : '≥'} ${limit})`;
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function bundles(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'loyalty-bench-'));
  const tokens = { issuer: 'https://issuer.example', audience: 'a', jwksUrl: 'https://issuer.example/.well-known/jwks.json' };
  // Each function is imported with exactly its own environment, as on Lambda (its config parsing runs at init).
  const envOf = (name: string) => ({
    PATH: process.env.PATH ?? '',
    ...functionEnvironment(name, { stage: 'bench', tokens }),
    ...tableEnvironment(name, 'bench'),
    ...(invokedFunctionNames(name, (target) => target) ? { [PRIVACY_EXPORTERS_VARIABLE]: invokedFunctionNames(name, (target) => target)?.value ?? '' } : {}),
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  process.stdout.write('\nLambda bundles (minified ESM, SDK included)\n');
  const rows: Record<string, unknown>[] = [];
  for (const declaration of Object.values(topology.functions)) {
    const name = declaration.name;
    const file = join(outdir, `${name}.mjs`);
    await build(esbuildOptions(resolve(root, declaration.entry), file, root));
    const sizeKiB = statSync(file).size / 1024;
    const timings: number[] = [];
    for (let run = 0; run < 5; run++) {
      const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t));`;
      timings.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: envOf(name) }).toString()));
    }
    const initP50 = percentile(timings, 50);
    rows.push({ name, sizeKiB: Math.round(sizeKiB), initP50Ms: Math.round(initP50) });
    const budget = SMALL_BUNDLE_FUNCTIONS.includes(name) ? SMALL_BUNDLE_BUDGET_KIB : BUNDLE_BUDGET_KIB;
    process.stdout.write(`  ${name.padEnd(24)} ${check(`${name} bundle KiB`, sizeKiB, budget).padEnd(28)} init p50 ${check(`${name} init ms`, initP50, targets.initMsP50)}\n`);
  }
  results.bundles = rows;
  rmSync(outdir, { recursive: true, force: true });
}

async function runtimeLoad(): Promise<void> {
  process.stdout.write('\nLocal runtime: POST /v1/purchases, 8 concurrent clients, 400 requests\n');
  const runtime = await startRuntimeProcess();
  try {
    const { key } = JSON.parse(await runtime.cli('keys', 'create', '--store', 'bench', '--json')) as { key: string };
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 400) {
          const index = next++;
          const t = performance.now();
          const response = await api(runtime.url, 'POST', '/v1/purchases', {
            body: { orderId: `bench-${index}`, customerId: `c-${index % 50}`, amount: '12.34', currency: 'USD' },
            headers: { 'x-api-key': key },
          });
          if (response.status !== 201) throw new Error(`unexpected ${response.status}`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rssKiB = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(runtime.child.pid)]).toString().trim());
    const summary = {
      requestsPerSecond: Math.round(400 / seconds),
      p50Ms: Math.round(percentile(latencies, 50)),
      p95Ms: Math.round(percentile(latencies, 95)),
      p99Ms: Math.round(percentile(latencies, 99)),
      runtimeRssMiB: Math.round(rssKiB / 1024),
    };
    results.runtime = summary;
    process.stdout.write(`  throughput ${summary.requestsPerSecond} req/s, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms\n`);
    process.stdout.write(`  p95 ms ${check('purchase p95 ms', summary.p95Ms, targets.purchaseP95Ms)}\n`);
    process.stdout.write(`  runtime RSS MiB (node process, DynamoDB Local excluded) ${check('runtime RSS MiB', summary.runtimeRssMiB, targets.runtimeRssMiB)}\n`);
  } finally {
    await runtime.stop();
  }
}

function patternMatching(): void {
  process.stdout.write('\nEvent-pattern matching\n');
  const matcher = compileEventPattern(PurchaseRecorded.pattern);
  const event = {
    version: '0', id: 'x', 'detail-type': 'PurchaseRecorded', source: 'loyalty-loop.purchases', account: '1', time: 't', region: 'r', resources: [],
    detail: PurchaseRecorded.detail(PurchaseRecorded.example, { eventId: 'e', occurredAt: '2026-11-01T00:00:00.000Z' }),
  };
  const iterations = 200_000;
  const started = performance.now();
  for (let index = 0; index < iterations; index++) matcher.matches(event);
  const perSecond = iterations / ((performance.now() - started) / 1000);
  results.patternMatchesPerSecond = Math.round(perSecond);
  process.stdout.write(`  matches/s ${check('pattern matches/s', perSecond, targets.patternMatchesPerSecond, false)}\n`);
}

// `npm run bench -- --only bundles` measures the bundles alone (quick, no runtime).
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (!only || only === 'bundles') await bundles();
if (!only || only === 'patterns') patternMatching();
if (!only || only === 'runtime') await runtimeLoad();
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(join(root, '.bench', 'results.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, targets, results, misses }, null, 2));
process.stdout.write(misses.length === 0 ? '\nAll targets met.\n' : `\nMissed targets:\n  ${misses.join('\n  ')}\n`);
process.exit(misses.length === 0 ? 0 : 1);
