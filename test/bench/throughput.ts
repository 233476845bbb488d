import { ensureTables } from '../../infra/local/tables';
import { keyedTable } from '../../shared/service/declarations';
import { DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { api, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * 5. Does the local pipeline keep up with ingest (issue 9, point 4)? Measured in one run of the runtime, on the same
 *    machine and the same DynamoDB Local:
 *    a. the raw conditional-write rate of DynamoDB Local: concurrent PutItem with attribute_not_exists, no runtime
 *       code in the path (the ceiling any pipeline on this machine works under);
 *    b. at rest, purchase → points visible: sequential single purchases, each followed by polling the balance;
 *    c. ingest: a burst of POST /v1/purchases from concurrent clients (many customers, some of them repeat customers
 *       whose purchases race in the award transaction);
 *    d. end to end: purchases accepted AND awarded per second over the burst plus its drain. "Awarded" is read back
 *       through the API: a customer is done when their ledger holds an order entry for every purchase of theirs that
 *       was accepted (the ledger entry and the balance are written in one transaction). The checker runs from the
 *       start of the burst, oldest unconfirmed customer first, a few requests at a time.
 *    The ratios end-to-end / ingest and end-to-end / raw writes are checked against the targets.
 */
export interface ThroughputTargets {
  /** End-to-end purchases/s as a percentage of the ingest rate. */
  readonly endToEndPercentOfIngest: number;
  /** End-to-end purchases/s as a percentage of DynamoDB Local's raw conditional-write rate. */
  readonly endToEndPercentOfRawWrites: number;
  /** Purchase → points visible, p50, at rest. */
  readonly pointsVisibleP50Ms: number;
}

type Check = (name: string, value: number, limit: number, lowerIsBetter?: boolean) => string;

const RAW = { concurrency: 16, warmUpSeconds: 1, seconds: 3, maxWrites: 20_000 };
const BURST = { clients: 8, seconds: 10, maxPurchases: 1500, repeatEvery: 5, repeatCustomers: 30 };
const AT_REST = { purchases: 20, pollMs: 20, timeoutMs: 10_000 };
const CHECKER = { window: 3, idleMs: 50, drainTimeoutMs: 180_000 };

export async function throughput(check: Check, results: Record<string, unknown>, targets: ThroughputTargets): Promise<void> {
  process.stdout.write('\nPipeline throughput (raw DynamoDB Local writes, at-rest latency, a burst and its drain, one runtime)\n');
  const runtime = await startRuntimeProcess();
  try {
    const { key } = JSON.parse(await runtime.cli('keys', 'create', '--store', 'throughput', '--json')) as { key: string };
    const headers = { 'x-api-key': key };
    // Warm the route functions the burst uses (their cold starts are not what this measures).
    for (let index = 0; index < 3; index++) await purchase(runtime, headers, `warm-${index}`, `warm-${index}`);
    await waitForPoints(runtime, headers, 'warm-2', AT_REST.timeoutMs);

    const raw = await rawConditionalWrites(runtime);
    process.stdout.write(`  raw DynamoDB Local conditional PutItem: ${raw.perSecond.toFixed(0)}/s (${RAW.concurrency} concurrent, ${raw.writes} writes in ${raw.seconds.toFixed(1)} s)\n`);

    const atRest = await pointsVisibleAtRest(runtime, headers);
    process.stdout.write(`  at rest, purchase → points visible: p50 ${atRest.p50Ms.toFixed(0)} ms, p95 ${atRest.p95Ms.toFixed(0)} ms (${AT_REST.purchases} sequential purchases)\n`);

    const burst = await burstAndDrain(runtime, headers);
    const ofIngest = (100 * burst.endToEndPerSecond) / burst.ingestPerSecond;
    const ofRaw = (100 * burst.endToEndPerSecond) / raw.perSecond;
    process.stdout.write(
      `  ingest: ${burst.accepted} purchases accepted in ${burst.burstSeconds.toFixed(1)} s = ${burst.ingestPerSecond.toFixed(1)}/s (${BURST.clients} clients, ${burst.customers} customers)\n`,
    );
    process.stdout.write(
      `  end to end: ${burst.awarded} awarded ${burst.endToEndSeconds.toFixed(1)} s after the burst began (drain ${burst.drainSeconds.toFixed(1)} s) = ${burst.endToEndPerSecond.toFixed(1)}/s` +
        ` (${burst.checks} balance checks)\n`,
    );
    if (burst.awarded < burst.accepted) process.stdout.write(`  ✗ ${burst.accepted - burst.awarded} purchases were not awarded within ${CHECKER.drainTimeoutMs / 1000} s\n`);
    process.stdout.write(`  end to end % of ingest ${check('end-to-end % of ingest', ofIngest, targets.endToEndPercentOfIngest, false)}\n`);
    process.stdout.write(`  end to end % of raw writes ${check('end-to-end % of raw writes', ofRaw, targets.endToEndPercentOfRawWrites, false)}\n`);
    process.stdout.write(`  points visible p50 ms at rest ${check('points visible p50 ms', atRest.p50Ms, targets.pointsVisibleP50Ms)}\n`);
    results.throughput = {
      rawConditionalWritesPerSecond: Math.round(raw.perSecond),
      rawConcurrency: RAW.concurrency,
      ingestPerSecond: round1(burst.ingestPerSecond),
      endToEndPerSecond: round1(burst.endToEndPerSecond),
      endToEndPercentOfIngest: round1(ofIngest),
      endToEndPercentOfRawWrites: round1(ofRaw),
      accepted: burst.accepted,
      awarded: burst.awarded,
      customers: burst.customers,
      burstSeconds: round1(burst.burstSeconds),
      drainSeconds: round1(burst.drainSeconds),
      pointsVisibleAtRest: { p50Ms: Math.round(atRest.p50Ms), p95Ms: Math.round(atRest.p95Ms) },
    };
  } finally {
    await runtime.stop();
  }
}

async function rawConditionalWrites(runtime: RuntimeProcess): Promise<{ writes: number; seconds: number; perSecond: number }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${runtime.ports.dynamodb}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const TableName = `bench-raw-writes-${Date.now()}`;
  try {
    // The project's own table creation, for a plain pk/sk table.
    await ensureTables(client, { raw: { physicalName: TableName, declaration: keyedTable({ envVar: 'BENCH_RAW_TABLE' }) } });
    // About the size of a small domain item: a key, a few attributes, ~300 bytes.
    const payload = 'x'.repeat(240);
    let issued = 0;
    const writeFor = async (worker: number, seconds: number): Promise<number> => {
      let writes = 0;
      const until = performance.now() + seconds * 1000;
      while (performance.now() < until && issued < RAW.maxWrites) {
        const index = issued++;
        await client.send(
          new PutItemCommand({
            TableName,
            Item: { pk: { S: `w${worker}-${index}` }, sk: { S: 'item' }, payload: { S: payload }, at: { S: new Date().toISOString() }, n: { N: String(index) } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        writes++;
      }
      return writes;
    };
    // A warm-up first (DynamoDB Local's JIT), not counted.
    await Promise.all(Array.from({ length: RAW.concurrency }, (_, worker) => writeFor(worker, RAW.warmUpSeconds)));
    issued = 0;
    const started = performance.now();
    const writes = (await Promise.all(Array.from({ length: RAW.concurrency }, (_, worker) => writeFor(worker + RAW.concurrency, RAW.seconds)))).reduce((sum, count) => sum + count, 0);
    const seconds = (performance.now() - started) / 1000;
    return { writes, seconds, perSecond: writes / seconds };
  } finally {
    await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
    client.destroy();
  }
}

async function pointsVisibleAtRest(runtime: RuntimeProcess, headers: Record<string, string>): Promise<{ p50Ms: number; p95Ms: number }> {
  const latencies: number[] = [];
  for (let index = 0; index < AT_REST.purchases; index++) {
    const customerId = `rest-${index}`;
    const started = performance.now();
    await purchase(runtime, headers, `rest-${index}`, customerId);
    await waitForPoints(runtime, headers, customerId, AT_REST.timeoutMs);
    latencies.push(performance.now() - started);
    await sleep(50);
  }
  return { p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95) };
}

interface BurstResult {
  accepted: number;
  awarded: number;
  customers: number;
  checks: number;
  burstSeconds: number;
  drainSeconds: number;
  endToEndSeconds: number;
  ingestPerSecond: number;
  endToEndPerSecond: number;
}

async function burstAndDrain(runtime: RuntimeProcess, headers: Record<string, string>): Promise<BurstResult> {
  // Per customer: how many of their purchases were accepted, and how many the ledger showed last time we looked.
  const unconfirmed = new Map<string, { accepted: number }>();
  const acceptedBy = new Map<string, number>();
  const confirmedBy = new Map<string, number>();
  let accepted = 0;
  let awarded = 0;
  let checks = 0;
  let burstDone = false;
  let next = 0;
  const started = performance.now();
  const until = started + BURST.seconds * 1000;

  const clients = Promise.all(
    Array.from({ length: BURST.clients }, async () => {
      while (performance.now() < until && next < BURST.maxPurchases) {
        const index = next++;
        const customerId = index % BURST.repeatEvery === 0 ? `burst-repeat-${(index / BURST.repeatEvery) % BURST.repeatCustomers}` : `burst-${index}`;
        await purchase(runtime, headers, `burst-${index}`, customerId);
        accepted++;
        const count = (acceptedBy.get(customerId) ?? 0) + 1;
        acceptedBy.set(customerId, count);
        const entry = unconfirmed.get(customerId);
        if (entry) entry.accepted = count;
        else unconfirmed.set(customerId, { accepted: count });
      }
    }),
  ).then(() => {
    burstDone = true;
    return performance.now();
  });

  const checker = (async () => {
    let deadline = Number.POSITIVE_INFINITY;
    while (!burstDone || unconfirmed.size > 0) {
      if (burstDone && deadline === Number.POSITIVE_INFINITY) deadline = performance.now() + CHECKER.drainTimeoutMs;
      if (performance.now() > deadline) break;
      // The oldest unconfirmed customers first (Map order: a customer confirmed and then buying again goes last).
      const window = [...unconfirmed.entries()].slice(0, CHECKER.window);
      if (window.length === 0) {
        await sleep(CHECKER.idleMs);
        continue;
      }
      const progressed = await Promise.all(
        window.map(async ([customerId, entry]) => {
          const expected = entry.accepted;
          checks++;
          const seen = await awardedOrders(runtime, headers, customerId);
          if (seen < expected) return false;
          awarded += expected - (confirmedBy.get(customerId) ?? 0);
          confirmedBy.set(customerId, expected);
          if (unconfirmed.get(customerId)?.accepted === expected) unconfirmed.delete(customerId);
          return true;
        }),
      );
      if (!progressed.some(Boolean)) await sleep(CHECKER.idleMs);
    }
    return performance.now();
  })();

  const burstEnded = await clients;
  const drained = await checker;
  const burstSeconds = (burstEnded - started) / 1000;
  const endToEndSeconds = (drained - started) / 1000;
  return {
    accepted,
    awarded,
    customers: acceptedBy.size,
    checks,
    burstSeconds,
    drainSeconds: (drained - burstEnded) / 1000,
    endToEndSeconds,
    ingestPerSecond: accepted / burstSeconds,
    endToEndPerSecond: awarded / endToEndSeconds,
  };
}

async function purchase(runtime: RuntimeProcess, headers: Record<string, string>, orderId: string, customerId: string): Promise<void> {
  const response = await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId, customerId, amount: '12.34', currency: 'USD' }, headers });
  if (response.status !== 201) throw new Error(`POST /v1/purchases answered ${response.status}: ${JSON.stringify(response.body)}`);
}

/** The orders the customer's ledger shows an award for (one 'order' entry per purchase; bonuses are 'rule'). */
async function awardedOrders(runtime: RuntimeProcess, headers: Record<string, string>, customerId: string): Promise<number> {
  const response = await api(runtime.url, 'GET', `/v1/customers/${customerId}/ledger?limit=100`, { headers });
  if (response.status !== 200) throw new Error(`GET ledger answered ${response.status}`);
  const items = response.body.items as { source: { kind: string; id?: string } }[];
  return new Set(items.filter((item) => item.source.kind === 'order').map((item) => item.source.id)).size;
}

async function waitForPoints(runtime: RuntimeProcess, headers: Record<string, string>, customerId: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await api(runtime.url, 'GET', `/v1/customers/${customerId}/loyalty`, { headers });
    if (response.status === 200 && (Number(response.body.pending) > 0 || Number(response.body.available) > 0)) return;
    if (performance.now() > deadline) throw new Error(`no points for ${customerId} within ${timeoutMs} ms`);
    await sleep(AT_REST.pollMs);
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
