import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrencyLimit, GroupCommit } from '../../infra/local/concurrency';
import { Journal, type DeliveryState, type JournalEntry } from '../../infra/local/journal';
import type { LocalEventBus as Bus } from '../../infra/local/event-bus';
import type { StreamPoller as Poller } from '../../infra/local/stream-poller';

/**
 * The concurrency of the local runtime's background pipeline (issue 9: a pipeline that keeps up), without DynamoDB
 * Local: bounded FIFO delivery, group commit of the journal, and a stream poller that still reads a shard in order,
 * one batch at a time, however often it is woken.
 */
// The bus logs every delivery at INFO; the runtime's log level is read when its log module loads.
process.env.LOCAL_LOG_LEVEL ??= 'WARN';
let LocalEventBus: typeof Bus;
let StreamPoller: typeof Poller;
beforeAll(async () => {
  ({ LocalEventBus } = await import('../../infra/local/event-bus'));
  ({ StreamPoller } = await import('../../infra/local/stream-poller'));
});

const tick = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(2);
  }
}

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once and starts the others oldest first', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const done = gates.map((gate, index) =>
      limit.run(async () => {
        started.push(index);
        most = Math.max(most, ++running);
        await gate.promise;
        running--;
        return index;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(3);
    gates[1]?.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    // A task arriving now waits behind the queue (no overtaking when a slot frees).
    const late = limit.run(async () => (started.push(99), 99));
    gates[0]?.resolve();
    gates[2]?.resolve();
    await tick();
    await tick();
    expect(started.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    gates[3]?.resolve();
    gates[4]?.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(await late).toBe(99);
    expect(started).toEqual([0, 1, 2, 3, 4, 99]);
    expect(most).toBe(2);
    expect(limit.running).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 'next')).toBe('next');
    expect(limit.running).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(/whole number/);
  });
});

describe('GroupCommit', () => {
  it('writes the first item at once and everything queued meanwhile in the next group, in order', async () => {
    const flushes: number[][] = [];
    const gate = deferred();
    const commit = new GroupCommit<number>(async (items) => {
      flushes.push(items);
      if (flushes.length === 1) await gate.promise;
    });
    const first = commit.add(1);
    const rest = [commit.add(2), commit.add(3, 4), commit.add(5)];
    await tick();
    expect(flushes).toEqual([[1]]);
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(flushes).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('fails the callers of a failed group only', async () => {
    const gate = deferred();
    let calls = 0;
    const commit = new GroupCommit<string>(async (items) => {
      calls++;
      if (calls === 1) return gate.promise;
      if (items.includes('bad')) throw new Error('write failed');
    });
    const first = commit.add('ok');
    const second = commit.add('bad', 'neighbour');
    gate.resolve();
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('write failed');
    await expect(commit.add('after')).resolves.toBeUndefined();
  });
});

/** A DocumentClient stand-in that records each call and can hold one back. */
function recordingClient() {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  let hold: Promise<void> | undefined;
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      calls.push({ name: command.constructor.name, input: command.input });
      const waitFor = hold;
      hold = undefined;
      if (waitFor) await waitFor;
      return {};
    },
  };
  return {
    calls,
    client,
    holdNext(promise: Promise<void>) {
      hold = promise;
    },
  };
}

function journalWith(client: unknown): Journal {
  const journal = new Journal(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' } }), 'journal');
  (journal as unknown as { client: unknown }).client = client;
  return journal;
}

const state = (rule: string, status: DeliveryState['status']): DeliveryState => ({ rule, function: 'fn', status, attempts: 1, updatedAt: '2026-01-01T00:00:00.000Z' });

function entry(key: string, rules: string[]): JournalEntry {
  return {
    key,
    receivedAt: '2026-01-01T00:00:00.000Z',
    event: { version: '0', id: key, 'detail-type': 'T', source: 's', account: '1', time: 't', region: 'r', resources: [], detail: {} } as never,
    deliveries: Object.fromEntries(rules.map((rule) => [rule, state(rule, 'pending')])),
  };
}

type TransactItems = { Put?: { Item: { pk: string; sk: string } }; Update?: { Key: { sk: string }; UpdateExpression: string }; Delete?: { Key: { sk: string } } }[];

describe('Journal group commit', () => {
  it('journals the events of concurrent PutEvents calls in one transaction, each event with its pending markers', async () => {
    const recorder = recordingClient();
    const journal = journalWith(recorder.client);
    const gate = deferred();
    recorder.holdNext(gate.promise);
    const first = journal.recordEvents([entry('e1', ['a', 'b'])]);
    const second = journal.recordEvents([entry('e2', ['a']), entry('e3', [])]);
    const third = journal.recordEvent(entry('e4', ['a', 'b']));
    gate.resolve();
    await Promise.all([first, second, third]);
    expect(recorder.calls.map((call) => call.name)).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);
    const items = recorder.calls[1]?.input.TransactItems as TransactItems;
    expect(items.map((item) => `${item.Put?.Item.pk}:${item.Put?.Item.sk}`)).toEqual(['EVENT:e2', 'PENDING:e2|a', 'EVENT:e3', 'EVENT:e4', 'PENDING:e4|a', 'PENDING:e4|b']);
  });

  it('never splits an event from its markers across transactions of at most 100 items', async () => {
    const recorder = recordingClient();
    const journal = journalWith(recorder.client);
    const gate = deferred();
    recorder.holdNext(gate.promise);
    const first = journal.recordEvent(entry('first', []));
    const many = Array.from({ length: 30 }, (_, index) => entry(`e${index}`, ['a', 'b', 'c'])); // 4 items each
    const rest = journal.recordEvents(many);
    gate.resolve();
    await Promise.all([first, rest]);
    expect(recorder.calls[0]?.name).toBe('PutCommand');
    const transactions = recorder.calls.slice(1).map((call) => call.input.TransactItems as TransactItems);
    expect(transactions.map((items) => items.length)).toEqual([100, 20]);
    for (const items of transactions) expect(items.filter((item) => item.Put?.Item.pk === 'EVENT').length * 4).toBe(items.length);
  });

  it('merges delivery updates per event: one update for all its rules, markers removed with them, in order', async () => {
    const recorder = recordingClient();
    const journal = journalWith(recorder.client);
    const gate = deferred();
    recorder.holdNext(gate.promise);
    const first = journal.updateDelivery('e0', state('a', 'delivered'));
    const writes = [
      journal.updateDelivery('e1', state('a', 'pending')),
      journal.updateDelivery('e1', state('a', 'delivered')),
      journal.updateDelivery('e1', state('b', 'dead-lettered')),
      journal.updateDelivery('e2', state('a', 'delivered')),
      // A replay after the dead letter: the marker is put back, the newest word wins.
      journal.markPending('e1', 'b'),
    ];
    gate.resolve();
    await Promise.all([first, ...writes]);
    // The first delivery went alone (one event: its own transaction of update + delete).
    expect(recorder.calls.map((call) => call.name)).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);
    const items = recorder.calls[1]?.input.TransactItems as (TransactItems[number] & { Update?: { ExpressionAttributeValues: Record<string, DeliveryState> } })[];
    const described = items.map((item) =>
      item.Update ? `update ${item.Update.Key.sk}: ${Object.values(item.Update.ExpressionAttributeValues).map((value) => `${value.rule}=${value.status}`).join(',')}` : item.Put ? `put ${item.Put.Item.sk}` : `delete ${item.Delete?.Key.sk}`,
    );
    expect(described).toEqual(['update e1: a=delivered,b=dead-lettered', 'delete e1|a', 'put e1|b', 'update e2: a=delivered', 'delete e2|a']);
  });

  it('a pending state alone is one plain update', async () => {
    const recorder = recordingClient();
    const journal = journalWith(recorder.client);
    await journal.updateDelivery('e1', state('a', 'pending'));
    expect(recorder.calls.map((call) => call.name)).toEqual([UpdateCommand.name]);
    await journal.markPending('e1', 'a');
    expect(recorder.calls.map((call) => call.name)).toEqual([UpdateCommand.name, PutCommand.name]);
  });
});

describe('LocalEventBus delivery', () => {
  function bus(invoke: (name: string, event: unknown) => Promise<unknown>, deliveryConcurrency: number) {
    const recorded: JournalEntry[][] = [];
    const journal = {
      recordEvents: async (entries: JournalEntry[]) => void recorded.push(entries),
      updateDelivery: async () => undefined,
    } as unknown as Journal;
    const localBus = new LocalEventBus(
      [
        { name: 'to-a', pattern: { source: ['s'] }, function: 'a', retryAttempts: 0, maxEventAgeSeconds: 3600 },
        { name: 'to-b', pattern: { source: ['s'] }, function: 'b', retryAttempts: 0, maxEventAgeSeconds: 3600 },
      ],
      journal,
      invoke,
      { busName: 'bus', region: 'r', account: '1', retryBaseDelayMs: 1, now: () => new Date(), deliveryConcurrency },
    );
    return { localBus, recorded };
  }

  it('journals a PutEvents call in one write and invokes each target at most `deliveryConcurrency` at once, oldest first', async () => {
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    const order: number[] = [];
    const { localBus, recorded } = bus(async (name, event) => {
      running.set(name, (running.get(name) ?? 0) + 1);
      most.set(name, Math.max(most.get(name) ?? 0, running.get(name) ?? 0));
      if (name === 'a') order.push((event as { detail: { n: number } }).detail.n);
      await sleep(5);
      running.set(name, (running.get(name) ?? 0) - 1);
    }, 3);
    for (let call = 0; call < 3; call++) {
      const result = await localBus.putEvents(Array.from({ length: 10 }, (_, index) => ({ Source: 's', DetailType: 't', Detail: JSON.stringify({ n: call * 10 + index }) })));
      expect(result.FailedEntryCount).toBe(0);
    }
    await localBus.drain();
    expect(recorded.map((entries) => entries.length)).toEqual([10, 10, 10]);
    expect(order).toHaveLength(30);
    expect(most.get('a')).toBe(3);
    expect(most.get('b')).toBe(3);
    // Started oldest first.
    expect(order).toEqual(Array.from({ length: 30 }, (_, index) => index));
  });

  it('journals only the valid entries of a call and answers per entry', async () => {
    const { localBus, recorded } = bus(async () => undefined, 2);
    const result = await localBus.putEvents([{ Source: 's', DetailType: 't', Detail: '{}' }, { Source: 's', DetailType: 't', Detail: 'nope' }]);
    expect(result.FailedEntryCount).toBe(1);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toHaveLength(1);
    await localBus.drain();
  });
});

describe('StreamPoller wake-ups', () => {
  it('reads at once when woken, and still hands over one shard in order, one batch at a time', async () => {
    const sequences: string[] = [];
    const dynamo = { send: async (command: unknown) => (command instanceof DescribeTableCommand ? { Table: { LatestStreamArn: 'arn:stream' } } : {}) };
    let reads = 0;
    const streams = {
      send: async (command: { input: Record<string, unknown> }) => {
        if (command instanceof DescribeStreamCommand) return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
        if (command instanceof GetShardIteratorCommand) return { ShardIterator: 'it:' };
        if (command instanceof GetRecordsCommand) {
          reads++;
          const after = Number(String(command.input.ShardIterator).slice(3) || 0);
          const batch = sequences.filter((sequence) => Number(sequence) > after).slice(0, Number(command.input.Limit));
          return {
            Records: batch.map((sequence) => ({ eventID: sequence, eventName: 'INSERT', dynamodb: { SequenceNumber: sequence, Keys: { pk: { S: sequence } } } })),
            NextShardIterator: `it:${batch.at(-1) ?? after}`,
          };
        }
        throw new Error('unexpected command');
      },
    };
    const journal = { checkpoint: async () => undefined, saveCheckpoint: async () => undefined, addDeadLetter: async () => undefined } as unknown as Journal;
    const seen: string[] = [];
    let concurrent = 0;
    let most = 0;
    const poller = new StreamPoller(
      { tableName: 't', functionName: 'relay', batchSize: 3, maxRetryAttempts: 0 },
      dynamo as never,
      streams as never,
      journal,
      async (_name, event) => {
        most = Math.max(most, ++concurrent);
        await sleep(3);
        seen.push(...(event as { Records: { dynamodb: { SequenceNumber: string } }[] }).Records.map((record) => record.dynamodb.SequenceNumber));
        concurrent--;
        return { batchItemFailures: [] };
      },
      // A poll interval far longer than the test: only wake() can make it read again.
      { pollIntervalMs: 60_000, retryDelayMs: 1, region: 'us-east-1' },
    );
    poller.start();
    await until(() => poller.caughtUp);
    const readsWhenIdle = reads;
    for (let round = 0; round < 5; round++) {
      const base = round * 4;
      sequences.push(...[1, 2, 3, 4].map((offset) => String(base + offset)));
      poller.wake();
      poller.wake();
      await until(() => seen.length === sequences.length && poller.caughtUp);
    }
    await poller.stop();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, index) => String(index + 1)));
    expect(most).toBe(1);
    // Each wake-up costs a bounded number of reads: the batches, at most one more for a wake-up during a read.
    expect(reads - readsWhenIdle).toBeLessThanOrEqual(5 * 4);
  });

  it('stops at once while idle', async () => {
    const dynamo = { send: async () => ({ Table: { LatestStreamArn: 'arn:stream' } }) };
    const streams = {
      send: async (command: unknown) =>
        command instanceof DescribeStreamCommand ? { StreamDescription: { Shards: [{ ShardId: 's' }] } } : command instanceof GetShardIteratorCommand ? { ShardIterator: 'it' } : { Records: [], NextShardIterator: 'it' },
    };
    const journal = { checkpoint: async () => undefined } as unknown as Journal;
    const poller = new StreamPoller({ tableName: 't', functionName: 'f', batchSize: 1, maxRetryAttempts: 0 }, dynamo as never, streams as never, journal, async () => ({}), {
      pollIntervalMs: 60_000,
      retryDelayMs: 1,
      region: 'us-east-1',
    });
    poller.start();
    await until(() => poller.caughtUp);
    const started = Date.now();
    await poller.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
