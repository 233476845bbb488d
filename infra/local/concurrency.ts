/**
 * Two small concurrency tools of the local runtime's background pipeline.
 *
 * ConcurrencyLimit: at most `limit` tasks at once, started in the order they were queued (FIFO), like a function's
 * concurrency limit on Lambda's asynchronous invocation queue: a burst is worked off oldest first, at a steady number
 * of concurrent invocations, instead of every event interleaving with every other one (which makes all of them finish
 * late and makes purchases of one customer race each other in their transactions).
 *
 * GroupCommit: writes queued while a write is under way are flushed together in the next one (a database's group
 * commit). Nothing waits for a timer: the first write goes at once, alone; under load the batches grow by themselves.
 * Each caller's promise settles when the flush that carried its item settled.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`A concurrency limit is a whole number ≥ 1 (got ${limit})`);
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    // The slot is handed over by release() (active stays the same), so a newcomer cannot overtake the queue.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  /** `flush` writes one group — everything queued since the last flush began, in order; one flush at a time. */
  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  /** Queues the items (they travel in the same group) and settles once they are written. */
  add(...items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const written = Promise.all(items.map((item) => new Promise<void>((resolve, reject) => this.queue.push({ item, resolve, reject }))));
    void this.pump();
    return written.then(() => undefined);
  }

  private async pump(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        try {
          await this.flush(group.map(({ item }) => item));
          for (const { resolve } of group) resolve();
        } catch (error) {
          for (const { reject } of group) reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
