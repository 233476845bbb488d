import { createHash } from 'node:crypto';
/**
 * A sweep over a sharded due-time index, as the schedules run it: every shard at once, each paging with its Query
 * cursor until it has no due items left or the invocation's time (or an item budget) runs out. Items that share an
 * order key (one customer's) are handled one at a time in index order — within a page in order, and a page only after
 * the previous page of its shard is finished — while items of different keys run concurrently, bounded over all
 * shards. The first failure stops the sweep from starting more work; it is rethrown once what is in flight settles.
 *
 * A sweep that stops early says `more`: its follow-up invocation starts again from each shard's head. That is safe and
 * cheap because handled items leave the due index (or move to a later due time), and a handler re-reads and re-checks
 * each item before changing it, so an item seen twice (a crash, a duplicate invocation, an index entry not yet caught
 * up with its item) changes nothing the second time.
 */
export interface SweepPage<Item> {
  readonly items: readonly Item[];
  /** Where the next page of this shard starts (DynamoDB's LastEvaluatedKey); absent on the last page. */
  readonly cursor?: Record<string, unknown>;
}

export interface SweepOptions<Item> {
  readonly shards: number;
  readonly page: (shard: number, cursor: Record<string, unknown> | undefined) => Promise<SweepPage<Item>>;
  /** Items with the same key are handled one at a time, in index order (a customer's items). */
  readonly orderKey: (item: Item) => string;
  /** Handles one item; true when it changed something. */
  readonly handle: (item: Item) => Promise<boolean>;
  /** Items in flight at once, over all shards. */
  readonly concurrency: number;
  /** Milliseconds left to start new work (the invocation's remaining time less a safety margin). */
  readonly timeLeftMs?: () => number;
  /** At most this many items (a cap per run; tests force continuation with it). */
  readonly budget?: number;
}

export interface SweepResult {
  processed: number;
  changed: number;
  /** True when the sweep stopped (time or budget spent) with due items possibly left: a follow-up continues. */
  more: boolean;
  pages: number;
  /** Shards read to their end. */
  shardsDone: number;
}

/** The shard of a due-time index an item's entry goes to: spread evenly by a hash of its id, the same on every write. */
export function dueShard(id: string, shards: number): number {
  return (createHash('sha256').update(id).digest()[0] as number) % shards;
}

/** Groups a page's items by order key, keeping index order within each group and groups in first-seen order. */
export function groupInOrder<Item>(items: readonly Item[], key: (item: Item) => string): Item[][] {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return [...groups.values()];
}

/** A counting semaphore: at most `limit` tasks run at once, the others wait in arrival order. */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer (got ${limit})`);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export async function sweepDue<Item>(options: SweepOptions<Item>): Promise<SweepResult> {
  const result: SweepResult = { processed: 0, changed: 0, more: false, pages: 0, shardsDone: 0 };
  const run = limiter(options.concurrency);
  const timeLeft = options.timeLeftMs ?? (() => Number.POSITIVE_INFINITY);
  const budget = options.budget ?? Number.POSITIVE_INFINITY;
  let claimed = 0;
  let failure: { error: unknown } | undefined;
  const stopped = () => failure !== undefined || claimed >= budget || timeLeft() <= 0;

  // One customer's items, one at a time; stops (leaving the rest to the follow-up) when the sweep must stop.
  const handleGroup = async (group: readonly Item[]): Promise<boolean> => {
    for (const item of group) {
      if (stopped()) return false;
      claimed++;
      try {
        const changed = await options.handle(item);
        result.processed++;
        if (changed) result.changed++;
      } catch (error) {
        failure ??= { error };
        return false;
      }
    }
    return true;
  };

  const sweepShard = async (shard: number): Promise<void> => {
    let cursor: Record<string, unknown> | undefined;
    for (;;) {
      if (stopped()) {
        result.more = true;
        return;
      }
      let page: SweepPage<Item>;
      try {
        page = await options.page(shard, cursor);
      } catch (error) {
        failure ??= { error };
        return;
      }
      result.pages++;
      const groups = groupInOrder(page.items, options.orderKey);
      const finished = await Promise.all(groups.map((group) => run(() => handleGroup(group))));
      if (finished.includes(false)) {
        result.more = true;
        return;
      }
      if (!page.cursor) {
        result.shardsDone++;
        return;
      }
      cursor = page.cursor;
    }
  };

  await Promise.all(Array.from({ length: options.shards }, (_, shard) => sweepShard(shard)));
  if (failure) throw failure.error;
  return result;
}
