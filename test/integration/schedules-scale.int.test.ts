import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DUE_SHARDS } from '../../functions/loyalty/domain/account';
import { DEMO_PROGRAM, type Program } from '../../functions/loyalty/domain/program';
import { releaseDuePoints, saveProgram, type ScheduleReport } from '../../functions/loyalty/domain/use-cases';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { createTableInput } from '../../infra/local/tables';
import { topology } from '../../infra/topology';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { OUTBOX_ATTRIBUTE } from '../../shared/events/outbox';
import { seedDueLots, type Seeded } from '../support/due-lots';

/**
 * Schedules scale (issue 9, point 5) on DynamoDB Local: hundreds of due lots over every shard are released exactly
 * once by runs that cannot finish (a budget, or the handler under a simulated Lambda timeout) and their follow-ups;
 * a run that crashes part-way, re-runs and duplicate concurrent runs never release a lot twice. Each test has its
 * own table (created from the topology's declaration), so other suites' programs and lots never mix in.
 */
const client = dynamoDocumentClient();
const raw = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT });
const t0 = '2026-03-01T00:00:00.000Z';
const releaseAt = '2026-03-20T00:00:00.000Z';

async function freshTable(name: string): Promise<{ table: string; repository: LoyaltyRepository; program: Program }> {
  const table = `${name}-${Date.now().toString(36)}`;
  const declaration = topology.tables.loyalty;
  if (!declaration) throw new Error('no loyalty table in the topology');
  await raw.send(new CreateTableCommand(createTableInput(table, declaration)));
  const repository = new LoyaltyRepository(client, table);
  await saveProgram(repository, DEMO_PROGRAM, 'test', t0);
  const program = await repository.getProgram();
  if (!program) throw new Error('program not saved');
  return { table, repository, program };
}

async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every seeded lot released exactly once: one release entry (and one PointsReleased) per lot, balances moved. */
async function expectReleasedExactlyOnce(table: string, repository: LoyaltyRepository, seeded: Seeded): Promise<void> {
  let releaseEntries = 0;
  let events = 0;
  let available = 0;
  const problems: string[] = [];
  for (const customerId of seeded.customerIds) {
    const items = await queryAll({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CUST#${customerId}` }, ConsistentRead: true });
    const lots = items.filter((item) => String(item.sk).startsWith('LOT#')).map((item) => item.lot as { lotId: string; status: string });
    const releases = items.filter((item) => String(item.sk).startsWith('LEDGER#')).map((item) => item.entry as { type: string; source: { id: string } });
    const releasedLots = releases.filter((entry) => entry.type === 'release').map((entry) => entry.source.id);
    if (new Set(releasedLots).size !== releasedLots.length) problems.push(`${customerId}: a lot released twice`);
    if (lots.some((lot) => lot.status !== 'available')) problems.push(`${customerId}: a lot still pending`);
    if (releasedLots.length !== lots.length) problems.push(`${customerId}: ${releasedLots.length} releases for ${lots.length} lots`);
    releaseEntries += releasedLots.length;
    events += items.filter((item) => String(item.sk).startsWith('LEDGER#') && (item[OUTBOX_ATTRIBUTE] as { detailType?: string } | undefined) !== undefined && (item.entry as { type: string }).type === 'release').length;
    const account = await repository.getAccount(customerId);
    if (account.pending !== 0) problems.push(`${customerId}: ${account.pending} points still pending`);
    available += account.available;
  }
  expect(problems.slice(0, 5)).toEqual([]);
  expect(releaseEntries).toBe(seeded.lots);
  expect(events).toBe(seeded.lots);
  expect(available).toBe(seeded.pendingPoints);
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    const left = await queryAll({ TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `DUE#RELEASE#${shard}` } });
    expect([shard, left.length]).toEqual([shard, 0]);
  }
}

async function dueShardsOf(table: string): Promise<number> {
  let shards = 0;
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    const page = await client.send(new QueryCommand({ TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `DUE#RELEASE#${shard}` }, Limit: 1 }));
    if ((page.Items ?? []).length > 0) shards++;
  }
  return shards;
}

describe('release of hundreds of due lots over every shard', () => {
  it('releases 320 lots exactly once in budget-limited runs and their follow-ups', async () => {
    const { table, repository, program } = await freshTable('scale-budget');
    const seeded = await seedDueLots(client, table, { prefix: 'budget', customers: 64, lotsPerCustomer: 5, program, awardedAt: t0 });
    expect(seeded.lots).toBe(320);
    expect(await dueShardsOf(table)).toBe(DUE_SHARDS);
    const reports: ScheduleReport[] = [];
    for (;;) {
      const report = await releaseDuePoints(repository, releaseAt, { budget: 40 });
      reports.push(report);
      expect(report.processed).toBeLessThanOrEqual(40);
      if (!report.more) break;
      expect(reports.length).toBeLessThan(30);
    }
    expect(reports.length).toBeGreaterThanOrEqual(7);
    expect(reports.slice(0, -1).every((report) => report.processed === 40 && report.more)).toBe(true);
    expect(reports.reduce((sum, report) => sum + report.changed, 0)).toBe(320);
    await expectReleasedExactlyOnce(table, repository, seeded);
  }, 180_000);

  // Sized so the suite shares DynamoDB Local with the other integration suites; npm run bench releases 100,000.
  it('releases them through the schedule handler under a simulated Lambda timeout, each invocation stopping in time', async () => {
    const { table, repository, program } = await freshTable('scale-handler');
    const seeded = await seedDueLots(client, table, { prefix: 'handler', customers: 100, lotsPerCustomer: 4, program, awardedAt: t0 });
    // The handler reads its table from its environment when it loads, as on Lambda.
    const previous = process.env.LOYALTY_TABLE_NAME;
    process.env.LOYALTY_TABLE_NAME = table;
    const { handler } = await import('../../functions/loyalty/schedules.handler');
    process.env.LOYALTY_TABLE_NAME = previous;
    // 3 s per invocation: the stack keeps 2 s back for in-flight work, so each starts work for about 1 s.
    const timeoutMs = 3_000;
    const invocations: { report: ScheduleReport; ms: number }[] = [];
    for (;;) {
      const deadline = Date.now() + timeoutMs;
      const started = Date.now();
      const context = { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: `r${invocations.length}`, functionName: 'loyaltySchedules' } as unknown as Context;
      const report = (await handler({ schedule: 'loyalty-release-pending', scheduledTime: releaseAt }, context)) as ScheduleReport;
      invocations.push({ report, ms: Date.now() - started });
      if (!report.more) break;
      expect(invocations.length).toBeLessThan(200);
    }
    // No invocation ran past its (simulated) timeout, and the work needed several of them.
    expect(invocations.every(({ ms }) => ms < timeoutMs)).toBe(true);
    expect(invocations.length).toBeGreaterThanOrEqual(2);
    expect(invocations.reduce((sum, { report }) => sum + report.changed, 0)).toBe(seeded.lots);
    await expectReleasedExactlyOnce(table, repository, seeded);
  }, 240_000);
});

describe('crashes and duplicate runs', () => {
  it('never release a lot twice: a run crashing after its commits, re-runs and concurrent duplicates', async () => {
    const { table, repository, program } = await freshTable('scale-crash');
    const seeded = await seedDueLots(client, table, { prefix: 'crash', customers: 50, lotsPerCustomer: 4, program, awardedAt: t0 });
    // A store whose 60th commit lands and then "crashes" the run (the effect is written, the run never learns it).
    let commits = 0;
    const crashing = Object.create(repository) as LoyaltyRepository;
    crashing.commit = async (...args: Parameters<LoyaltyRepository['commit']>) => {
      const outcome = await repository.commit(...args);
      if (++commits === 60) throw new Error('the run crashed after a commit');
      return outcome;
    };
    await expect(releaseDuePoints(crashing, releaseAt)).rejects.toThrow('crashed');
    expect(commits).toBeGreaterThanOrEqual(60);
    // Re-runs, three at once, twice: they race for the same lots; each lot is released by exactly one of them.
    const reports = [...(await Promise.all([1, 2, 3].map(() => releaseDuePoints(repository, releaseAt, { budget: 50 })))), ...(await Promise.all([1, 2, 3].map(() => releaseDuePoints(repository, releaseAt))))];
    expect(reports.slice(3).every((report) => !report.more)).toBe(true);
    const changedByReruns = reports.reduce((sum, report) => sum + report.changed, 0);
    expect(changedByReruns).toBeLessThanOrEqual(seeded.lots - 60);
    await expectReleasedExactlyOnce(table, repository, seeded);
    // And a run after everything is released changes nothing.
    expect(await releaseDuePoints(repository, releaseAt)).toMatchObject({ changed: 0, more: false });
  }, 180_000);
});
