/**
 * `loyalty demo seed`: a year of purchases for a population of made-up customers, sent to the local runtime month by
 * month on its test clock, so the journey, cohorts, churn risk and the console have something realistic to show.
 *
 * The population is generated from a seed (same seed, same purchases), so a test can recompute every report from the
 * purchases independently. Each customer has a first purchase somewhere in the year and a rhythm of their own (a mean
 * gap between purchases); some buy once, some stop after a while (the ones the churn score should notice), the rest
 * keep buying until the year ends.
 */

export interface DemoPurchase {
  readonly customerId: string;
  readonly orderId: string;
  readonly occurredAt: string;
  /** USD cents. */
  readonly amountMinor: number;
}

export interface DemoPopulation {
  readonly start: string;
  readonly end: string;
  readonly customers: readonly string[];
  /** Every purchase, oldest first. */
  readonly purchases: readonly DemoPurchase[];
}

export const DEMO_YEAR_DAYS = 365;
const DAY_MS = 86_400_000;
export const MAX_DEMO_CUSTOMERS = 5_000;

/** mulberry32: a small, well-known 32-bit generator; plenty for made-up shoppers, and the same on every machine. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function demoPopulation(options: { customers: number; start: string; seed?: number; prefix?: string }): DemoPopulation {
  if (!Number.isInteger(options.customers) || options.customers < 1 || options.customers > MAX_DEMO_CUSTOMERS) {
    throw new RangeError(`customers must be an integer from 1 to ${MAX_DEMO_CUSTOMERS}`);
  }
  const startMs = Date.parse(options.start);
  if (Number.isNaN(startMs)) throw new RangeError('start must be an ISO time');
  const endMs = startMs + DEMO_YEAR_DAYS * DAY_MS;
  const random = generator(options.seed ?? 1);
  const prefix = options.prefix ?? 'demo';
  const width = String(options.customers).length;
  const customers: string[] = [];
  const purchases: DemoPurchase[] = [];
  for (let index = 0; index < options.customers; index++) {
    const customerId = `${prefix}-c${String(index + 1).padStart(width, '0')}`;
    customers.push(customerId);
    const kind = random();
    // 30% buy once, 25% stop after a few purchases, 45% keep buying.
    const oneTime = kind < 0.3;
    const stopsAfter = oneTime ? 1 : kind < 0.55 ? 2 + Math.floor(random() * 4) : Number.POSITIVE_INFINITY;
    const meanGapDays = 12 + random() * 70;
    const basketMinor = 1_500 + Math.floor(random() * 20_000);
    let at = startMs + Math.floor(random() * 300 * DAY_MS);
    for (let n = 1; n <= stopsAfter && at < endMs; n++) {
      const amountMinor = Math.max(100, Math.round(basketMinor * (0.6 + random() * 0.8)));
      purchases.push({ customerId, orderId: `${customerId}-o${n}`, occurredAt: new Date(at).toISOString(), amountMinor });
      at += Math.max(DAY_MS, Math.round(meanGapDays * (0.5 + random()) * DAY_MS));
    }
  }
  purchases.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.orderId.localeCompare(b.orderId));
  return { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), customers, purchases };
}

/** The population cut into the clock's steps: each step's purchases all happened before the step's end. */
export function monthlySteps(population: DemoPopulation, stepDays = 30): { until: string; purchases: DemoPurchase[] }[] {
  const steps: { until: string; purchases: DemoPurchase[] }[] = [];
  const startMs = Date.parse(population.start);
  const endMs = Date.parse(population.end);
  let cursor = 0;
  for (let untilMs = startMs + stepDays * DAY_MS; ; untilMs += stepDays * DAY_MS) {
    const bound = Math.min(untilMs, endMs);
    const batch: DemoPurchase[] = [];
    while (cursor < population.purchases.length && Date.parse((population.purchases[cursor] as DemoPurchase).occurredAt) < bound) {
      batch.push(population.purchases[cursor] as DemoPurchase);
      cursor++;
    }
    steps.push({ until: new Date(bound).toISOString(), purchases: batch });
    if (bound >= endMs) break;
  }
  return steps;
}

export function minorToDecimal(amountMinor: number): string {
  return `${Math.floor(amountMinor / 100)}.${String(amountMinor % 100).padStart(2, '0')}`;
}

/** Runs tasks with at most `limit` in flight, in order of the list. */
export async function inBatches<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
