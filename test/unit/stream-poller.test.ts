import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import type { DeadLetter, Journal } from '../../infra/local/journal';
import { StreamPoller } from '../../infra/local/stream-poller';

/**
 * Pure unit test of the poller's event-source-mapping semantics with an in-memory stand-in for the stream
 * (DynamoDB Local's real stream is exercised by the integration and end-to-end tiers): resume from the checkpoint
 * after a glitch, retry from the first failed record, dead-letter after the retries.
 */
type Command = { input: Record<string, unknown> };

function fakeStream(sequenceNumbers: string[], glitches: { trimmedOnce?: boolean }) {
  let trimmed = glitches.trimmedOnce ?? false;
  const iteratorFor = (after: string | undefined) => `it:${after ?? ''}`;
  const dynamo = { send: async (command: Command) => (command instanceof DescribeTableCommand ? { Table: { LatestStreamArn: 'arn:stream' } } : {}) };
  const streams = {
    send: async (command: Command) => {
      if (command instanceof DescribeStreamCommand) return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (command instanceof GetShardIteratorCommand) {
        const type = command.input.ShardIteratorType;
        return { ShardIterator: iteratorFor(type === 'AFTER_SEQUENCE_NUMBER' ? (command.input.SequenceNumber as string) : undefined) };
      }
      if (command instanceof GetRecordsCommand) {
        if (trimmed) {
          trimmed = false;
          throw new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} });
        }
        const after = String(command.input.ShardIterator).slice(3);
        const remaining = sequenceNumbers.filter((sequence) => after === '' || Number(sequence) > Number(after));
        const batch = remaining.slice(0, Number(command.input.Limit));
        const last = batch.at(-1) ?? (after || undefined);
        return {
          Records: batch.map((sequence) => ({ eventID: sequence, eventName: 'INSERT', dynamodb: { SequenceNumber: sequence, Keys: { pk: { S: sequence } } } })),
          NextShardIterator: iteratorFor(last),
        };
      }
      throw new Error('unexpected command');
    },
  };
  return { dynamo, streams };
}

function memoryJournal() {
  const state = { checkpoint: undefined as { shardId: string; sequenceNumber: string } | undefined, letters: [] as DeadLetter[] };
  const journal = {
    checkpoint: async () => state.checkpoint,
    saveCheckpoint: async (_table: string, shardId: string, sequenceNumber: string) => {
      state.checkpoint = { shardId, sequenceNumber };
    },
    addDeadLetter: async (letter: DeadLetter) => {
      state.letters.push(letter);
    },
  };
  return { state, journal: journal as unknown as Journal };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const options = { pollIntervalMs: 5, retryDelayMs: 1, region: 'us-east-1' };
const mapping = { tableName: 't', functionName: 'relay', batchSize: 2, maxRetryAttempts: 2 };

describe('stream poller', () => {
  it('resumes from its checkpoint after a stream glitch and processes each record once', async () => {
    const { dynamo, streams } = fakeStream(['1', '2', '3', '4', '5'], { trimmedOnce: true });
    const { state, journal } = memoryJournal();
    const seen: string[] = [];
    const poller = new StreamPoller(mapping, dynamo as never, streams as never, journal, async (_name, event) => {
      seen.push(...(event as { Records: { dynamodb: { SequenceNumber: string } }[] }).Records.map((record) => record.dynamodb.SequenceNumber));
      return { batchItemFailures: [] };
    }, options);
    poller.start();
    await until(() => seen.length >= 5 && poller.caughtUp);
    await poller.stop();
    expect(seen).toEqual(['1', '2', '3', '4', '5']);
    expect(state.checkpoint).toEqual({ shardId: 'shard-1', sequenceNumber: '5' });
  });

  it('builds Lambda-shaped records with the stream ARN', async () => {
    const { dynamo, streams } = fakeStream(['1'], {});
    const { journal } = memoryJournal();
    let received: unknown;
    const poller = new StreamPoller(mapping, dynamo as never, streams as never, journal, async (_name, event) => {
      received = event;
      return {};
    }, options);
    poller.start();
    await until(() => received !== undefined);
    await poller.stop();
    expect(received).toEqual({
      Records: [expect.objectContaining({ eventID: '1', eventName: 'INSERT', eventSource: 'aws:dynamodb', eventSourceARN: 'arn:stream', awsRegion: 'us-east-1' })],
    });
  });

  it('retries from the first failed record, then dead-letters the rest of the batch', async () => {
    const { dynamo, streams } = fakeStream(['1', '2'], {});
    const { state, journal } = memoryJournal();
    const batches: string[][] = [];
    const poller = new StreamPoller(mapping, dynamo as never, streams as never, journal, async (_name, event) => {
      const sequences = (event as { Records: { dynamodb: { SequenceNumber: string } }[] }).Records.map((record) => record.dynamodb.SequenceNumber);
      batches.push(sequences);
      return { batchItemFailures: sequences.includes('2') ? [{ itemIdentifier: '2' }] : [] };
    }, options);
    poller.start();
    await until(() => state.letters.length === 1);
    await poller.stop();
    expect(batches).toEqual([['1', '2'], ['2'], ['2']]);
    expect(state.letters[0]).toMatchObject({ kind: 'stream', source: 't', function: 'relay', attempts: 3 });
    expect(state.checkpoint?.sequenceNumber).toBe('2');
  });
});

describe('DynamoDB Local stream images', () => {
  it('restore empty maps to the shape Lambda delivers', async () => {
    const { repairEmptyMaps } = await import('../../infra/local/stream-poller');
    const { unmarshall } = await import('@aws-sdk/util-dynamodb');
    const image = { account: { M: { byReward: {}, nested: { L: [{ M: { deep: {} } }] }, n: { N: '1' } } }, list: { L: [] } };
    const repaired = repairEmptyMaps(image);
    expect(repaired).toEqual({
      account: { M: { byReward: { M: {} }, nested: { L: [{ M: { deep: { M: {} } } }] }, n: { N: '1' } } },
      list: { L: [] },
    });
    expect(unmarshall(repaired as never)).toEqual({ account: { byReward: {}, nested: [{ deep: {} }], n: 1 }, list: [] });
  });
});
