import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JourneyFact } from '../../functions/journey/domain/journey';
import { cohorts, funnel, overview, recordJourneyEvent, reviewDueCustomers } from '../../functions/journey/domain/use-cases';
import { JourneyRepository } from '../../functions/journey/journey.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { uniqueId } from '../support/api-event';

/**
 * The journey service's consumers on DynamoDB Local: concurrent duplicate deliveries apply once; the same events in
 * any order give the same state; the counters a population leaves equal the funnel and cohorts recomputed here from
 * the raw purchases; erasure keeps the aggregates. Each concurrent caller gets its own repository, as separate Lambda
 * containers would. Purchases are dated in 2033–2034, which no other suite uses, so the day counters are ours alone.
 */
const TABLE = process.env.JOURNEY_TABLE_NAME as string;
const client = dynamoDocumentClient();
const container = () => new JourneyRepository(client, TABLE);
const repo = container();
const purchase = (at: string, amountMinor = 2500): JourneyFact => ({ kind: 'purchase', at, amountMinor });
const cause = (eventId: string) => ({ detailType: 'PurchaseRecorded', eventId });
/** Processing time for the consumers: before every purchase here, so no churn overlay mixes into these cases. */
const NOW = '2033-01-01T00:00:00.000Z';

async function itemsOf(customerId: string) {
  return (await client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` }, ConsistentRead: true }))).Items ?? [];
}

/** Runs tasks at most `limit` at a time. */
async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await (tasks[index] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

describe('journey consumers', () => {
  it('applies five concurrent deliveries of one purchase once: one purchase, one marker, one stage change, counted once', async () => {
    const customerId = uniqueId('jr-dup');
    const before = await repo.totals();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => recordJourneyEvent(container(), customerId, purchase('2033-01-15T10:00:00.000Z'), cause(`PurchaseRecorded:shop:${customerId}`), NOW)));
    expect(outcomes.filter((outcome) => outcome.kind === 'applied')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'duplicate')).toHaveLength(4);
    const journey = await repo.getJourney(customerId);
    expect(journey).toMatchObject({ purchaseCount: 1, stage: 'first_purchase', version: 1 });
    const items = await itemsOf(customerId);
    expect(items.filter((item) => String(item.sk).startsWith('SEEN#'))).toHaveLength(1);
    const events = items.filter((item) => String(item.sk).startsWith('EVENT#'));
    expect(events.map((item) => (item.outbox as { detailType: string; detail: { data: unknown } }).detail.data)).toEqual([
      { customerId, from: null, to: 'first_purchase', cause: cause(`PurchaseRecorded:shop:${customerId}`), changedAt: '2033-01-15T10:00:00.000Z' },
    ]);
    const after = await repo.totals();
    expect((after.members ?? 0) - (before.members ?? 0)).toBe(1);
    expect((after.purchases ?? 0) - (before.purchases ?? 0)).toBe(1);
  });

  it('reaches the same state from the same events delivered forwards, backwards and twice over', async () => {
    const facts: [string, JourneyFact][] = [
      ['a', { kind: 'attributed', at: '2033-02-01T00:00:00.000Z', via: 'signup' }],
      ['p1', purchase('2033-02-03T00:00:00.000Z')],
      ['p2', purchase('2033-03-03T00:00:00.000Z')],
      ['s', { kind: 'survey_answered', at: '2033-03-10T00:00:00.000Z', survey: 'nps', category: 'promoter' }],
      ['r', { kind: 'refund', at: '2033-03-05T00:00:00.000Z', fullyRefunded: false }],
    ];
    const forward = uniqueId('jr-fwd');
    const backward = uniqueId('jr-bwd');
    for (const [id, fact] of facts) await recordJourneyEvent(repo, forward, fact, cause(id), NOW);
    for (const [id, fact] of [...facts].reverse()) await recordJourneyEvent(repo, backward, fact, cause(id), NOW);
    // Redelivered late, in yet another order: nothing changes.
    for (const [id, fact] of [facts[2], facts[0]] as [string, JourneyFact][]) expect((await recordJourneyEvent(repo, backward, fact, cause(id), NOW)).kind).toBe('duplicate');
    const [a, b] = [await repo.getJourney(forward), await repo.getJourney(backward)];
    expect(b?.stage).toBe('advocate');
    expect(b?.stage).toBe(a?.stage);
    expect(b?.purchaseCount).toBe(2);
    expect(b?.refunds).toEqual(a?.refunds);
    const times = (journey: typeof a) => Object.fromEntries(Object.entries(journey?.milestones ?? {}).map(([stage, milestone]) => [stage, milestone.at]));
    expect(times(b)).toEqual(times(a));
    expect(times(b)).toMatchObject({ aware: '2033-02-01T00:00:00.000Z', considering: '2033-02-01T00:00:00.000Z', first_purchase: '2033-02-03T00:00:00.000Z', repeat: '2033-03-03T00:00:00.000Z', advocate: '2033-03-10T00:00:00.000Z' });
  });

  it('leaves counters that equal the funnel and cohorts recomputed from the raw purchases of a population, with duplicates and shuffled order', async () => {
    const tag = uniqueId('jr-pop');
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const population = Array.from({ length: 30 }, (_, index) => {
      const count = 1 + Math.floor(random() * 6);
      const start = Date.parse('2033-06-01T00:00:00.000Z') + Math.floor(random() * 120) * 86_400_000;
      const times = Array.from({ length: count }, (_, n) => new Date(start + n * (10 + Math.floor(random() * 60)) * 86_400_000).toISOString());
      return { customerId: `${tag}-${index}`, times };
    });
    const deliveries = population.flatMap(({ customerId, times }) => times.flatMap((at, n) => [{ customerId, at, id: `${customerId}:${n}` }, ...(n % 2 === 0 ? [{ customerId, at, id: `${customerId}:${n}` }] : [])]));
    for (let index = deliveries.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [deliveries[index], deliveries[other]] = [deliveries[other] as (typeof deliveries)[number], deliveries[index] as (typeof deliveries)[number]];
    }
    const from = '2033-06-01';
    const to = '2034-12-31';
    const funnelBefore = await funnel(repo, from, to);
    const cohortsBefore = await cohorts(repo, '2033-06', '2033-12', '2034-12-31T00:00:00.000Z');
    await inParallel(deliveries.map((delivery) => () => recordJourneyEvent(container(), delivery.customerId, purchase(delivery.at), cause(delivery.id), NOW)), 6);

    // Recomputed here from the raw times, without the service's code.
    const expected = { aware: 0, considering: 0, first_purchase: 0, repeat: 0, loyal: 0, advocate: 0 };
    const expectedCohorts = new Map<string, { customers: number; months: Map<number, number> }>();
    for (const { times } of population) {
      const sorted = [...times].sort();
      expected.aware++;
      expected.considering++;
      expected.first_purchase++;
      if (sorted.length >= 2) expected.repeat++;
      if (sorted.some((at, index) => index >= 4 && Date.parse(at) - Date.parse(sorted[index - 4] as string) <= 365 * 86_400_000)) expected.loyal++;
      const first = (sorted[0] as string).slice(0, 7);
      const cohort = expectedCohorts.get(first) ?? { customers: 0, months: new Map() };
      cohort.customers++;
      const offsets = new Set(sorted.map((at) => (Number(at.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(at.slice(5, 7)) - Number(first.slice(5, 7))));
      for (const offset of offsets) if (offset > 0) cohort.months.set(offset, (cohort.months.get(offset) ?? 0) + 1);
      expectedCohorts.set(first, cohort);
    }
    const funnelAfter = await funnel(repo, from, to);
    const entered = Object.fromEntries(funnelAfter.stages.map((row, index) => [row.stage, row.entered - (funnelBefore.stages[index]?.entered ?? 0)]));
    expect(entered).toEqual(expected);

    const cohortsAfter = await cohorts(repo, '2033-06', '2033-12', '2034-12-31T00:00:00.000Z');
    for (const [month, cohort] of expectedCohorts) {
      const after = cohortsAfter.cohorts.find((row) => row.month === month);
      const before = cohortsBefore.cohorts.find((row) => row.month === month);
      expect([month, (after?.customers ?? 0) - (before?.customers ?? 0)]).toEqual([month, cohort.customers]);
      for (const [offset, customers] of cohort.months) {
        const cell = (report: typeof after) => report?.retention.find((row) => row.offset === offset)?.customers ?? 0;
        expect([month, offset, cell(after) - cell(before)]).toEqual([month, offset, customers]);
      }
    }
    // Every customer bought once or more: each is a purchaser, and one stage's count each.
    for (const { customerId, times } of population) expect((await repo.getJourney(customerId))?.purchaseCount).toBe(times.length);
  });

  it('keeps the anonymous counts on erasure, removes the journey, and ignores the customer afterwards', async () => {
    const customerId = uniqueId('jr-erase');
    await recordJourneyEvent(repo, customerId, purchase('2033-04-01T10:00:00.000Z'), cause(`${customerId}:1`), NOW);
    const before = await overview(repo, '2033-04-02T00:00:00.000Z');
    await repo.eraseCustomer(uniqueId('erasure'), customerId, '2033-04-02T00:00:00.000Z');
    const journey = await repo.getJourney(customerId);
    expect(journey?.erasedAt).toBe('2033-04-02T00:00:00.000Z');
    expect(journey?.purchaseTimes).toEqual([]);
    expect((await itemsOf(customerId)).map((item) => item.sk)).toEqual(['STATE']);
    expect((await recordJourneyEvent(repo, customerId, purchase('2033-04-05T10:00:00.000Z'), cause(`${customerId}:2`), NOW)).kind).toBe('erased');
    const after = await overview(repo, '2033-04-02T00:00:00.000Z');
    expect(after.members).toBe(before.members);
    expect(after.purchases).toBe(before.purchases);
  });

  it('makes a customer who stops buying for 3× their usual gap at risk with reasons, then lapsed, by the daily review alone, each announced once', async () => {
    const customerId = uniqueId('jr-churn');
    const times = ['2036-01-01', '2036-01-11', '2036-01-21', '2036-01-31'].map((day) => `${day}T10:00:00.000Z`);
    for (const [index, at] of times.entries()) await recordJourneyEvent(repo, customerId, purchase(at), cause(`${customerId}:${index}`), at);
    expect((await repo.getJourney(customerId))?.churn).toMatchObject({ score: 0, overlay: null, expectedGapDays: 10, reviewAt: '2036-03-01T10:00:00.000Z' });
    const riskItems = async () => (await itemsOf(customerId)).filter((item) => String(item.sk).startsWith('RISK#'));

    // Not yet due: nothing changes.
    await reviewDueCustomers(container(), '2036-02-20T10:00:00.000Z');
    expect((await repo.getJourney(customerId))?.churn?.overlay).toBeNull();
    // 31 days since the last purchase, 3.1 gaps: at risk. Two reviews at once announce it once.
    await Promise.all([reviewDueCustomers(container(), '2036-03-02T10:00:00.000Z'), reviewDueCustomers(container(), '2036-03-02T10:00:00.000Z')]);
    const atRisk = (await repo.getJourney(customerId))?.churn;
    expect(atRisk).toMatchObject({ overlay: 'at_risk', score: 63, reasons: [{ signal: 'recency', value: 3.1, points: 63 }] });
    expect((await riskItems()).map((item) => (item.outbox as { detailType: string }).detailType)).toEqual(['CustomerAtRisk']);
    // Past 6 gaps: lapsed, and the at-risk event is not sent again.
    await reviewDueCustomers(container(), '2036-04-02T10:00:00.000Z');
    expect((await repo.getJourney(customerId))?.churn?.overlay).toBe('lapsed');
    expect((await riskItems()).map((item) => (item.outbox as { detailType: string }).detailType).sort()).toEqual(['CustomerAtRisk', 'CustomerLapsed']);
    // A purchase ends the lapse.
    await recordJourneyEvent(repo, customerId, purchase('2036-04-03T10:00:00.000Z'), cause(`${customerId}:back`), '2036-04-03T10:00:00.000Z');
    expect((await repo.getJourney(customerId))?.churn?.overlay).toBeNull();
  });
});
