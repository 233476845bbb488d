import fc from 'fast-check';
import { groupInOrder, limiter, sweepDue, type SweepPage } from '../../shared/schedules/sweep';
import { safetyMarginMs, scheduleRun } from '../../shared/schedules/stack';

/**
 * The schedules' paging and continuation logic (issue 9, point 5), on an in-memory due index that behaves like the
 * DynamoDB one: each shard sorted by due time, paged with a cursor, and a handled item leaves the index. A run stops
 * when its time or budget is spent; follow-up runs continue until nothing is due, and every item is handled exactly
 * once, one customer's items one at a time and in order.
 */
interface Due {
  readonly key: string;
  readonly customer: string;
  readonly shard: number;
}

class MemoryIndex {
  private readonly shards: Due[][];
  constructor(
    shards: number,
    items: readonly Due[],
    private readonly pageSize: number,
  ) {
    this.shards = Array.from({ length: shards }, (_, shard) => items.filter((item) => item.shard === shard).sort((a, b) => a.key.localeCompare(b.key)));
  }
  get size(): number {
    return this.shards.reduce((sum, shard) => sum + shard.length, 0);
  }
  async page(shard: number, cursor: Record<string, unknown> | undefined): Promise<SweepPage<Due>> {
    await Promise.resolve();
    const after = typeof cursor?.key === 'string' ? cursor.key : '';
    const rest = (this.shards[shard] ?? []).filter((item) => item.key > after);
    const items = rest.slice(0, this.pageSize);
    const last = items[items.length - 1];
    return { items, ...(rest.length > this.pageSize && last ? { cursor: { key: last.key } } : {}) };
  }
  remove(item: Due): void {
    const shard = this.shards[item.shard] ?? [];
    const at = shard.indexOf(item);
    if (at >= 0) shard.splice(at, 1);
  }
}

function dueItems(customers: number, perCustomer: number, shards: number): Due[] {
  const items: Due[] = [];
  for (let c = 0; c < customers; c++) {
    for (let n = 0; n < perCustomer; n++) {
      // Due times interleave customers; one customer's items are due one after another.
      items.push({ key: `2026-01-01T00:${String(n).padStart(2, '0')}#c${String(c).padStart(4, '0')}#${n}`, customer: `c${c}`, shard: c % shards });
    }
  }
  return items;
}

/** A handler that records what it saw and checks one customer is never handled twice at once, nor out of order. */
function recorder(index: MemoryIndex, tick: () => void = () => undefined) {
  const handled = new Map<string, number>();
  const busy = new Set<string>();
  const lastOf = new Map<string, string>();
  let inFlight = 0;
  let maxInFlight = 0;
  const violations: string[] = [];
  const handle = async (item: Due): Promise<boolean> => {
    if (busy.has(item.customer)) violations.push(`${item.customer} handled concurrently`);
    if ((lastOf.get(item.customer) ?? '') > item.key) violations.push(`${item.customer} out of order at ${item.key}`);
    busy.add(item.customer);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    tick();
    handled.set(item.key, (handled.get(item.key) ?? 0) + 1);
    lastOf.set(item.customer, item.key);
    index.remove(item);
    busy.delete(item.customer);
    inFlight--;
    return true;
  };
  return { handle, handled, violations, maxInFlight: () => maxInFlight };
}

describe('sweepDue', () => {
  it('pages every shard to its end, handling each due item once, one customer at a time and in order', async () => {
    const items = dueItems(60, 7, 8);
    const index = new MemoryIndex(8, items, 25);
    const seen = recorder(index);
    const result = await sweepDue({ shards: 8, page: (shard, cursor) => index.page(shard, cursor), orderKey: (item) => item.customer, handle: seen.handle, concurrency: 6 });
    expect(result).toMatchObject({ processed: items.length, changed: items.length, more: false, shardsDone: 8 });
    expect(result.pages).toBeGreaterThan(8);
    expect([...seen.handled.values()].every((count) => count === 1)).toBe(true);
    expect(seen.handled.size).toBe(items.length);
    expect(seen.violations).toEqual([]);
    expect(seen.maxInFlight()).toBeLessThanOrEqual(6);
    expect(seen.maxInFlight()).toBeGreaterThan(1);
  });

  it('stops at its budget exactly, says more, and follow-ups finish the rest exactly once', async () => {
    const items = dueItems(40, 5, 8);
    const index = new MemoryIndex(8, items, 10);
    const seen = recorder(index);
    const runs: number[] = [];
    for (;;) {
      const result = await sweepDue({ shards: 8, page: (shard, cursor) => index.page(shard, cursor), orderKey: (item) => item.customer, handle: seen.handle, concurrency: 4, budget: 37 });
      runs.push(result.processed);
      expect(result.processed).toBeLessThanOrEqual(37);
      if (!result.more) break;
      expect(runs.length).toBeLessThan(20);
    }
    expect(runs.slice(0, -1).every((processed) => processed === 37)).toBe(true);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(items.length);
    expect(index.size).toBe(0);
    expect([...seen.handled.values()].every((count) => count === 1)).toBe(true);
    expect(seen.violations).toEqual([]);
  });

  it('starts nothing once its time is spent: a run of a simulated Lambda timeout, then follow-ups until done', async () => {
    // Virtual time: every handled item takes 1 ms; each invocation may start work for 50 ms.
    let clock = 0;
    const items = dueItems(30, 10, 8);
    const index = new MemoryIndex(8, items, 20);
    const seen = recorder(index, () => clock++);
    let invocations = 0;
    let more = true;
    while (more) {
      invocations++;
      const deadline = clock + 50;
      let startedLate = 0;
      const timeLeftMs = () => deadline - clock;
      const result = await sweepDue({
        shards: 8,
        page: (shard, cursor) => index.page(shard, cursor),
        orderKey: (item) => item.customer,
        handle: async (item) => {
          if (timeLeftMs() <= 0) startedLate++;
          return seen.handle(item);
        },
        concurrency: 3,
        timeLeftMs,
      });
      expect(startedLate).toBe(0);
      more = result.more;
      expect(invocations).toBeLessThan(100);
    }
    expect(invocations).toBeGreaterThan(3);
    expect(index.size).toBe(0);
    expect(seen.handled.size).toBe(items.length);
    expect([...seen.handled.values()].every((count) => count === 1)).toBe(true);
    expect(seen.violations).toEqual([]);
  });

  it('says more when it stops before reading a shard, and nothing when every shard ended', async () => {
    const index = new MemoryIndex(4, dueItems(8, 1, 4), 10);
    const none = await sweepDue({ shards: 4, page: (shard, cursor) => index.page(shard, cursor), orderKey: (item) => item.customer, handle: async () => true, concurrency: 2, timeLeftMs: () => 0 });
    expect(none).toMatchObject({ processed: 0, more: true, pages: 0 });
    const empty = new MemoryIndex(4, [], 10);
    const done = await sweepDue({ shards: 4, page: (shard, cursor) => empty.page(shard, cursor), orderKey: (item) => item.customer, handle: async () => true, concurrency: 2 });
    expect(done).toMatchObject({ processed: 0, more: false, pages: 4, shardsDone: 4 });
  });

  it('stops starting work at the first failure, lets what is in flight settle, and rethrows that failure', async () => {
    const items = dueItems(20, 3, 4);
    const index = new MemoryIndex(4, items, 10);
    let started = 0;
    let settled = 0;
    const run = sweepDue({
      shards: 4,
      page: (shard, cursor) => index.page(shard, cursor),
      orderKey: (item) => item.customer,
      concurrency: 4,
      handle: async (item) => {
        started++;
        await new Promise((resolve) => setImmediate(resolve));
        settled++;
        if (item.customer === 'c5') throw new Error('boom on c5');
        return true;
      },
    });
    await expect(run).rejects.toThrow('boom on c5');
    expect(settled).toBe(started);
    expect(started).toBeLessThan(items.length);
  });

  it('a page that fails fails the run', async () => {
    await expect(
      sweepDue({
        shards: 3,
        page: async (shard) => {
          if (shard === 1) throw new Error('throttled');
          return { items: [] };
        },
        orderKey: () => 'x',
        handle: async () => true,
        concurrency: 2,
      }),
    ).rejects.toThrow('throttled');
  });

  it('handles every item exactly once for any index, page size, concurrency and budget (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 40 }),
        async (customers, perCustomer, shards, pageSize, concurrency, budget) => {
          const items = dueItems(customers, perCustomer, shards);
          const index = new MemoryIndex(shards, items, pageSize);
          const seen = recorder(index);
          let runs = 0;
          for (;;) {
            runs++;
            const result = await sweepDue({ shards, page: (shard, cursor) => index.page(shard, cursor), orderKey: (item) => item.customer, handle: seen.handle, concurrency, budget });
            if (!result.more) break;
            if (runs > items.length + 2) throw new Error('no progress');
          }
          expect(index.size).toBe(0);
          expect(seen.handled.size).toBe(items.length);
          expect([...seen.handled.values()].every((count) => count === 1)).toBe(true);
          expect(seen.violations).toEqual([]);
          expect(seen.maxInFlight()).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('groupInOrder and limiter', () => {
  it('groups by key in first-seen order, keeping order within a group', () => {
    expect(groupInOrder(['a1', 'b1', 'a2', 'c1', 'b2'], (item) => item[0] ?? '')).toEqual([['a1', 'a2'], ['b1', 'b2'], ['c1']]);
  });

  it('runs at most its limit at once, in arrival order, and refuses a limit below one', async () => {
    const run = limiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, n) =>
        run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(n);
          await new Promise((resolve) => setImmediate(resolve));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => limiter(0)).toThrow(/positive integer/);
  });
});

describe('the schedule run of an invocation', () => {
  it('keeps a tenth of the time back for in-flight work, at least 2 s and at most 30 s', () => {
    expect(safetyMarginMs(300_000)).toBe(30_000);
    expect(safetyMarginMs(900_000)).toBe(30_000);
    expect(safetyMarginMs(60_000)).toBe(6_000);
    expect(safetyMarginMs(5_000)).toBe(2_000);
  });

  it('counts down with the context, and never stops without one', () => {
    let remaining = 300_000;
    const run = scheduleRun(() => remaining);
    expect(run.timeLeftMs()).toBe(270_000);
    remaining = 29_000;
    expect(run.timeLeftMs()).toBeLessThan(0);
    expect(scheduleRun(undefined).timeLeftMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
