import { demoPopulation, type DemoPurchase } from '../../infra/cli/demo-seed';
import { api, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Issue 13, "done when": `loyalty demo seed` scripts a year of purchases on the runtime's test clock, and the funnel,
 * the cohort triangle and the overview the journey service kept as the events arrived equal what this test recomputes
 * on its own from the purchases the seed sent (the seed's population is reproducible from its seed and start). A
 * customer who stopped buying for well over 3× their usual gap is at risk (or lapsed), with the recency reason.
 */
let runtime: RuntimeProcess;
const CUSTOMERS = 8;
const SEED = 5;
const DAY_MS = 86_400_000;

interface SeedReport {
  start: string;
  end: string;
  customers: number;
  purchases: number;
}

let report: SeedReport;
let marketer: Record<string, string>;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  report = JSON.parse(await runtime.cli('demo', 'seed', '--customers', String(CUSTOMERS), '--seed', String(SEED), '--json')) as SeedReport;
  marketer = { authorization: `Bearer ${(JSON.parse(await runtime.cli('token', '--marketer', 'analyst', '--json')) as { token: string }).token}` };
}, 600_000);

afterAll(async () => {
  await runtime?.stop();
});

const monthIndex = (iso: string) => new Date(iso).getUTCFullYear() * 12 + new Date(iso).getUTCMonth();
const monthName = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

function byCustomer(purchases: readonly DemoPurchase[]): Map<string, DemoPurchase[]> {
  const grouped = new Map<string, DemoPurchase[]>();
  for (const purchase of purchases) grouped.set(purchase.customerId, [...(grouped.get(purchase.customerId) ?? []), purchase]);
  return grouped;
}

describe('the demo year, recomputed from the raw purchases', () => {
  it('sends the reproducible population month by month on the test clock', async () => {
    const population = demoPopulation({ customers: CUSTOMERS, start: report.start, seed: SEED, prefix: `demo${SEED}` });
    expect(report).toMatchObject({ customers: CUSTOMERS, purchases: population.purchases.length, end: population.end });
    const clock = (await api(runtime.url, 'GET', '/_local/clock')).body as { now: string };
    expect(clock.now.slice(0, 10)).toBe(population.end.slice(0, 10));
  });

  it('keeps an overview, a funnel and a cohort triangle equal to an independent recompute', async () => {
    const population = demoPopulation({ customers: CUSTOMERS, start: report.start, seed: SEED, prefix: `demo${SEED}` });
    const customers = byCustomer(population.purchases);
    const repeaters = [...customers.values()].filter((purchases) => purchases.length >= 2).length;

    const overview = (await api(runtime.url, 'GET', '/v1/analytics/overview', { headers: marketer })).body as Record<string, unknown>;
    // The runtime's own demo customer (first start) has no purchase: members may count it, purchasers do not.
    expect(overview).toMatchObject({ purchasers: customers.size, purchases: population.purchases.length, repeatPurchaseRate: Math.round((repeaters / customers.size) * 10_000) / 10_000 });

    const funnel = (await api(runtime.url, 'GET', `/v1/analytics/funnel?from=${population.start.slice(0, 10)}&to=${population.end.slice(0, 10)}`, { headers: marketer })).body as {
      stages: { stage: string; entered: number }[];
    };
    const entered = Object.fromEntries(funnel.stages.map((stage) => [stage.stage, stage.entered]));
    // A first purchase makes a customer aware and considering at the same time; the second makes them repeat — and so
    // does reaching loyal first (the demo program's tier upgrade on a large first purchase reaches every stage below).
    const loyalFirst = new Set<string>();
    for (const [customerId, purchases] of customers) {
      const journey = (await api(runtime.url, 'GET', `/v1/customers/${customerId}/journey`, { headers: marketer })).body as { milestones: Record<string, { cause: { detailType: string } }> };
      if (purchases.length >= 2) expect([customerId, journey.milestones.repeat]).toEqual([customerId, expect.anything()]);
      if (purchases.length < 2 && journey.milestones.loyal) {
        expect([customerId, journey.milestones.loyal.cause.detailType]).toEqual([customerId, 'TierChanged']);
        loyalFirst.add(customerId);
      }
    }
    expect(entered).toMatchObject({ aware: customers.size, considering: customers.size, first_purchase: customers.size, repeat: repeaters + loyalFirst.size });

    const cohorts = (await api(runtime.url, 'GET', '/v1/analytics/cohorts?by=month&metric=repeat_purchase', { headers: marketer })).body as {
      cohorts: { month: string; customers: number; retention: { offset: number; customers: number }[] }[];
    };
    const expected = new Map<string, { customers: number; byOffset: Map<number, number> }>();
    for (const purchases of customers.values()) {
      const first = monthIndex((purchases[0] as DemoPurchase).occurredAt);
      const cohort = expected.get(monthName(first)) ?? { customers: 0, byOffset: new Map<number, number>() };
      cohort.customers += 1;
      for (const offset of new Set(purchases.slice(1).map((purchase) => monthIndex(purchase.occurredAt) - first).filter((offset) => offset > 0))) {
        cohort.byOffset.set(offset, (cohort.byOffset.get(offset) ?? 0) + 1);
      }
      expected.set(monthName(first), cohort);
    }
    const actual = cohorts.cohorts.filter((cohort) => cohort.customers > 0);
    expect(actual.map((cohort) => [cohort.month, cohort.customers]).sort()).toEqual([...expected].map(([month, cohort]) => [month, cohort.customers]).sort());
    for (const cohort of actual) {
      const wanted = expected.get(cohort.month);
      for (const cell of cohort.retention) expect([cohort.month, cell.offset, cell.customers]).toEqual([cohort.month, cell.offset, wanted?.byOffset.get(cell.offset) ?? 0]);
    }
  });

  it('puts a customer who stopped for well over 3× their usual gap at risk or lapsed, with the recency reason', async () => {
    const population = demoPopulation({ customers: CUSTOMERS, start: report.start, seed: SEED, prefix: `demo${SEED}` });
    const endMs = Date.parse(population.end);
    const drifted = [...byCustomer(population.purchases)].filter(([, purchases]) => {
      if (purchases.length < 3) return false;
      const gaps = purchases.slice(1).map((purchase, index) => Date.parse(purchase.occurredAt) - Date.parse((purchases[index] as DemoPurchase).occurredAt)).sort((a, b) => a - b);
      const median = gaps.length % 2 ? (gaps[(gaps.length - 1) / 2] as number) : ((gaps[gaps.length / 2 - 1] as number) + (gaps[gaps.length / 2] as number)) / 2;
      return endMs - Date.parse((purchases.at(-1) as DemoPurchase).occurredAt) > 3.5 * Math.max(median, DAY_MS);
    });
    // Seed 5's population has such customers; if a change of the generator removes them, this says so.
    expect(drifted.length).toBeGreaterThan(0);
    for (const [customerId] of drifted) {
      const journey = (await api(runtime.url, 'GET', `/v1/customers/${customerId}/journey`, { headers: marketer })).body as { risk?: { overlay: string | null; reasons: { signal: string }[] } };
      expect([customerId, journey.risk?.overlay]).toEqual([customerId, expect.stringMatching(/^(at_risk|lapsed)$/)]);
      expect(journey.risk?.reasons.map((reason) => reason.signal)).toContain('recency');
    }
  });
});
