import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DEMO_PROGRAM } from '../../functions/loyalty/domain/program';
import { saveProgram, type ScheduleReport } from '../../functions/loyalty/domain/use-cases';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { freePort, startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { createTableInput } from '../../infra/local/tables';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { functionOf, topology } from '../../infra/topology';
import { seedDueLots } from '../support/due-lots';

/**
 * 6. Schedules scale (issue 9, point 5): 100,000 pending lots, due for release, spread over 20,000 customers (all
 *    eight shards of the due-time index), seeded straight into a fresh DynamoDB Local in the items the loyalty
 *    repository writes; then the release schedule runs as on Lambda — the deployed handler with the real repository,
 *    each invocation given a simulated timeout (its context's getRemainingTimeInMillis) and followed by another
 *    while it reports `more` — until nothing is due. Reports lots released per second, invocations, and from the rate
 *    the monthly purchase volume the schedule sustains. Bounded: it stops after BENCH.maxSeconds and reports the rate
 *    over what it released.
 */
export interface SchedulesTargets {
  /** Lots released per second on DynamoDB Local (2 shared cores). */
  readonly releasedLotsPerSecond: number;
}

type Check = (name: string, value: number, limit: number, lowerIsBetter?: boolean) => string;

const BENCH = {
  lots: Number(process.env.BENCH_SCHEDULE_LOTS ?? 100_000),
  lotsPerCustomer: 5,
  // The invocation's simulated timeout: the declared one, unless asked for a shorter one to show more follow-ups.
  timeoutSeconds: Number(process.env.BENCH_SCHEDULE_TIMEOUT_SECONDS ?? 60),
  maxSeconds: Number(process.env.BENCH_SCHEDULE_MAX_SECONDS ?? 300),
};
const SCHEDULE = 'loyalty-release-pending';
const RUNS_PER_MONTH = (30 * 24 * 60) / 15; // rate(15 minutes)

export async function schedules(check: Check, results: Record<string, unknown>, targets: SchedulesTargets): Promise<void> {
  const fn = functionOf('loyaltySchedules');
  const declared = topology.schedules.find((schedule) => schedule.name === SCHEDULE);
  process.stdout.write(
    `\nSchedules at scale (${BENCH.lots.toLocaleString('en-US')} due lots on a fresh DynamoDB Local; ${SCHEDULE} ${declared?.expression ?? '?'}, ` +
      `function timeout ${fn.timeoutSeconds} s, simulated invocation timeout ${BENCH.timeoutSeconds} s)\n`,
  );
  const port = await freePort();
  const dynamo = await startDynamoDbLocal({ port });
  const previousEnv = { ...process.env };
  try {
    Object.assign(process.env, { DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', LOG_LEVEL: 'SILENT' });
    const table = 'bench-schedules-loyalty';
    const declaration = topology.tables.loyalty;
    if (!declaration) throw new Error('no loyalty table in the topology');
    const raw = new DynamoDBClient({ endpoint: dynamo.endpoint });
    await raw.send(new CreateTableCommand(createTableInput(table, declaration)));
    // The functions' own client (shared/aws/clients.ts), which the handler below uses too.
    const client = dynamoDocumentClient();
    const repository = new LoyaltyRepository(client, table);
    const now = new Date().toISOString();
    await saveProgram(repository, DEMO_PROGRAM, 'bench', now);
    const program = await repository.getProgram();
    if (!program) throw new Error('program not saved');

    const seedStarted = performance.now();
    const awardedAt = new Date(Date.now() - (program.pendingDays + 1) * 86_400_000).toISOString();
    const seeded = await seedDueLots(client, table, { prefix: 'bench', customers: Math.ceil(BENCH.lots / BENCH.lotsPerCustomer), lotsPerCustomer: BENCH.lotsPerCustomer, program, awardedAt, concurrency: 8 });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    process.stdout.write(`  seeded ${seeded.lots.toLocaleString('en-US')} due lots of ${seeded.customerIds.length.toLocaleString('en-US')} customers in ${seedSeconds.toFixed(1)} s (BatchWriteItem)\n`);

    // The deployed handler, loading its table from its environment as on Lambda.
    process.env.LOYALTY_TABLE_NAME = table;
    const { handler } = await import('../../functions/loyalty/schedules.handler');
    const invocations: { processed: number; changed: number; seconds: number; more: boolean }[] = [];
    const started = performance.now();
    let more = true;
    while (more && (performance.now() - started) / 1000 < BENCH.maxSeconds) {
      const invoked = performance.now();
      const deadline = Date.now() + BENCH.timeoutSeconds * 1000;
      const context = { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: `bench-${invocations.length}`, functionName: fn.name } as unknown as Context;
      const report = (await handler({ schedule: SCHEDULE, scheduledTime: new Date().toISOString() }, context)) as ScheduleReport;
      const seconds = (performance.now() - invoked) / 1000;
      invocations.push({ processed: report.processed, changed: report.changed, seconds, more: report.more });
      process.stdout.write(`    invocation ${invocations.length}: ${report.changed.toLocaleString('en-US')} released in ${seconds.toFixed(1)} s${report.more ? ', more: a follow-up continues' : ', done'}\n`);
      more = report.more;
    }
    const seconds = (performance.now() - started) / 1000;
    const released = invocations.reduce((sum, run) => sum + run.changed, 0);
    const perSecond = released / seconds;
    const overrun = Math.max(...invocations.map((run) => run.seconds)) > BENCH.timeoutSeconds;
    process.stdout.write(
      `  released ${released.toLocaleString('en-US')} of ${seeded.lots.toLocaleString('en-US')} lots in ${seconds.toFixed(1)} s over ${invocations.length} invocations` +
        `${more ? ` (stopped after ${BENCH.maxSeconds} s)` : ''}${overrun ? ' ✗ an invocation ran past its timeout' : ''}\n`,
    );
    process.stdout.write(`  lots released/s ${check('released lots/s', perSecond, targets.releasedLotsPerSecond, false)}\n`);
    if (more) {
      const allSeconds = seeded.lots / perSecond;
      const workPerInvocation = BENCH.timeoutSeconds - Math.min(30, Math.max(2, BENCH.timeoutSeconds / 10));
      process.stdout.write(
        `  at this rate all ${seeded.lots.toLocaleString('en-US')} need ${allSeconds.toFixed(0)} s: ${Math.ceil(allSeconds / workPerInvocation)} invocations of ${BENCH.timeoutSeconds} s` +
          ` (${Math.ceil(allSeconds / (fn.timeoutSeconds - Math.min(30, Math.max(2, fn.timeoutSeconds / 10))))} of the declared ${fn.timeoutSeconds} s)\n`,
      );
    }

    // What one purchase asks of the schedule: one pending lot released once. On AWS each 15-minute run may work for
    // its timeout less the safety margin; the sustained monthly volume follows from the rate measured here.
    const workSeconds = fn.timeoutSeconds - Math.min(30, Math.max(2, fn.timeoutSeconds / 10));
    const perRun = perSecond * workSeconds;
    const perMonth = perRun * RUNS_PER_MONTH;
    const withHeadroom = perMonth / 2;
    process.stdout.write(
      `  sustained: ${perSecond.toFixed(0)} lots/s × ${workSeconds} s of work per run (timeout ${fn.timeoutSeconds} s less its margin) = ${Math.round(perRun).toLocaleString('en-US')} lots per run` +
        ` × ${RUNS_PER_MONTH.toLocaleString('en-US')} runs a month (every 15 minutes) = ${(perMonth / 1e6).toFixed(1)}M purchases a month at this rate;` +
        ` with 2× headroom ${(withHeadroom / 1e6).toFixed(1)}M (DynamoDB Local on 2 shared cores is slower than DynamoDB; was 1,000 lots per run = 2.9M a month)\n`,
    );
    results.schedules = {
      lots: seeded.lots,
      customers: seeded.customerIds.length,
      seedSeconds,
      released,
      seconds,
      invocations: invocations.length,
      simulatedTimeoutSeconds: BENCH.timeoutSeconds,
      lotsPerSecond: perSecond,
      perRun,
      sustainedPurchasesPerMonth: perMonth,
      sustainedWithHeadroom: withHeadroom,
      finished: !more,
    };
    raw.destroy();
  } finally {
    process.env = previousEnv;
    await dynamo.stop();
  }
}
