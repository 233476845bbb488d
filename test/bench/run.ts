import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { build } from 'esbuild';
import { compileEventPattern } from '../../infra/local/event-pattern';
import { topology, type FunctionName } from '../../infra/topology';
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
  bundleKiB: 1024,
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
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.values(topology.tables).map((table) => [table.envVar, 'bench-table'])),
    EVENT_BUS_NAME: 'b',
    JWT_ISSUER: 'https://issuer.example',
    JWT_AUDIENCE: 'a',
    JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  process.stdout.write('\nLambda bundles (minified ESM, SDK included)\n');
  const rows: Record<string, unknown>[] = [];
  for (const name of Object.keys(topology.functions) as FunctionName[]) {
    const file = join(outdir, `${name}.mjs`);
    await build({
      entryPoints: [resolve(root, topology.functions[name].entry)],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      mainFields: ['module', 'main'],
      outfile: file,
      banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    const sizeKiB = statSync(file).size / 1024;
    const timings: number[] = [];
    for (let run = 0; run < 5; run++) {
      const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t));`;
      timings.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env }).toString()));
    }
    const initP50 = percentile(timings, 50);
    rows.push({ name, sizeKiB: Math.round(sizeKiB), initP50Ms: Math.round(initP50) });
    process.stdout.write(`  ${name.padEnd(24)} ${check(`${name} bundle KiB`, sizeKiB, targets.bundleKiB).padEnd(28)} init p50 ${check(`${name} init ms`, initP50, targets.initMsP50)}\n`);
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

await bundles();
patternMatching();
await runtimeLoad();
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(join(root, '.bench', 'results.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, targets, results, misses }, null, 2));
process.stdout.write(misses.length === 0 ? '\nAll targets met.\n' : `\nMissed targets:\n  ${misses.join('\n  ')}\n`);
process.exit(misses.length === 0 ? 0 : 1);
