import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { compareSequenceNumbers } from '../../shared/aws/stream-sequence';
import { compileEventPattern, type EventMatcher } from './event-pattern';
import type { Journal } from './journal';
import { errorFields, runtimeLog } from './log';

/**
 * Polls a table's DynamoDB stream and invokes the mapped function with Lambda-shaped stream events, as an
 * event source mapping does: batches in order, partial batch failures (ReportBatchItemFailures) retried
 * from the first failed record, a bounded number of retries, then the batch is dead-lettered and skipped.
 * The last processed sequence number is checkpointed in the journal, so a restart (even after kill -9)
 * resumes where it stopped; DynamoDB Local's stream glitches (Invalid ShardId, TrimmedDataAccess,
 * expired iterators) re-describe the stream and resume from the checkpoint.
 */
const KNOWN_GLITCHES = new Set(['TrimmedDataAccessException', 'ExpiredIteratorException', 'ResourceNotFoundException']);

export interface StreamMapping {
  readonly tableName: string;
  readonly functionName: string;
  readonly batchSize: number;
  readonly maxRetryAttempts: number;
  /** Lambda event filtering (EventBridge pattern syntax over each record): others are skipped, never invoked. */
  readonly filterPatterns?: readonly unknown[];
}

export interface StreamPollerOptions {
  readonly pollIntervalMs: number;
  readonly retryDelayMs: number;
  readonly region: string;
}

export class StreamPoller {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private streamArn = '';
  private idle = false;
  /** Set by wake(): something was just written to the table, so an empty read is not a reason to sleep yet. */
  private woken = false;
  private interruptSleep: (() => void) | undefined;

  constructor(
    private readonly mapping: StreamMapping,
    private readonly dynamo: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly journal: Journal,
    private readonly invoke: (functionName: string, event: unknown) => Promise<unknown>,
    private readonly options: StreamPollerOptions,
  ) {
    this.filters = mapping.filterPatterns?.map((pattern) => compileEventPattern(pattern));
  }

  private readonly filters: EventMatcher[] | undefined;

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interruptSleep?.();
    await this.loop;
  }

  /**
   * A hint that the table was just written (the runtime calls it when a function that writes the table finishes):
   * the poller reads again at once instead of finishing its idle wait. Only latency changes; records are still read
   * in order, one batch at a time.
   */
  wake(): void {
    this.woken = true;
    this.interruptSleep?.();
  }

  /** True once the poller has caught up with the stream (nothing left to read right now). */
  get caughtUp(): boolean {
    return this.idle;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.followStream();
      } catch (error) {
        if (this.stopped) return;
        const glitch = KNOWN_GLITCHES.has((error as { name?: string }).name ?? '');
        runtimeLog(glitch ? 'DEBUG' : 'WARN', 'streams', 'stream read failed; resuming from checkpoint', { table: this.mapping.tableName, ...errorFields(error) });
        // DynamoDB Local's known stream glitches clear at once on a fresh describe; anything else backs off.
        await sleep(glitch ? Math.min(50, this.options.pollIntervalMs) : this.options.retryDelayMs);
      }
    }
  }

  private async followStream(): Promise<void> {
    const table = await this.dynamo.send(new DescribeTableCommand({ TableName: this.mapping.tableName }));
    this.streamArn = table.Table?.LatestStreamArn ?? '';
    if (!this.streamArn) throw new Error(`Table ${this.mapping.tableName} has no stream`);
    const shards = await this.describeShards();
    const checkpoint = await this.journal.checkpoint(this.mapping.tableName);
    const ordered = orderShards(shards);
    // Resume in the checkpointed shard if it still exists; otherwise start from the oldest shard.
    let index = checkpoint ? ordered.findIndex((shard) => shard.ShardId === checkpoint.shardId) : -1;
    let iterator: string | undefined;
    if (index >= 0 && checkpoint) {
      iterator = await this.iterator(ordered[index]?.ShardId as string, 'AFTER_SEQUENCE_NUMBER', checkpoint.sequenceNumber);
    } else {
      index = 0;
      if (ordered.length === 0) {
        this.idle = true;
        await sleep(this.options.pollIntervalMs);
        return;
      }
      iterator = await this.iterator(ordered[0]?.ShardId as string, 'TRIM_HORIZON');
    }
    let shardId = ordered[index]?.ShardId as string;
    while (!this.stopped) {
      if (!iterator) {
        // The shard is closed: continue with its child, if any (found by re-describing).
        const children = orderShards(await this.describeShards()).filter((shard) => shard.ParentShardId === shardId);
        const child = children[0];
        if (!child?.ShardId) return;
        shardId = child.ShardId;
        iterator = await this.iterator(shardId, 'TRIM_HORIZON');
        continue;
      }
      this.woken = false;
      const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.mapping.batchSize }));
      const records = page.Records ?? [];
      if (records.length > 0) {
        this.idle = false;
        // As Lambda does, records that match no filter are dropped (done) and a batch of none invokes nothing.
        const matching = this.filters ? records.filter((record) => this.matches(record)) : records;
        // Retries of failed records happen inside process(); it returns once the batch is done.
        if (matching.length > 0) await this.process(matching);
        await this.journal.saveCheckpoint(this.mapping.tableName, shardId, records.at(-1)?.dynamodb?.SequenceNumber as string);
      } else {
        this.idle = true;
        await this.idleWait();
      }
      iterator = page.NextShardIterator;
    }
  }

  /**
   * Invokes the function until the batch succeeds or retries run out; returns the sequence number up to which
   * records are done (processed, or dead-lettered after the last retry).
   */
  private matches(record: StreamRecord): boolean {
    const [shaped] = this.lambdaEvent([record]).Records;
    return (this.filters ?? []).some((filter) => filter.matches(shaped));
  }

  private async process(records: StreamRecord[]): Promise<string> {
    let batch = records;
    for (let attempt = 0; ; attempt++) {
      const event = this.lambdaEvent(batch);
      let failedFrom: string | undefined;
      try {
        const response = (await this.invoke(this.mapping.functionName, event)) as DynamoDBBatchResponse | undefined;
        const failures = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier).filter(Boolean) as string[];
        failedFrom = failures.sort(compareSequenceNumbers)[0];
      } catch (error) {
        failedFrom = batch[0]?.dynamodb?.SequenceNumber;
        runtimeLog('WARN', 'streams', 'stream batch failed', { table: this.mapping.tableName, attempt: attempt + 1, ...errorFields(error) });
      }
      if (failedFrom === undefined) return batch.at(-1)?.dynamodb?.SequenceNumber as string;
      const failedIndex = batch.findIndex((record) => record.dynamodb?.SequenceNumber === failedFrom);
      batch = failedIndex >= 0 ? batch.slice(failedIndex) : batch;
      if (attempt + 1 >= this.mapping.maxRetryAttempts + 1) {
        const now = new Date().toISOString();
        await this.journal.addDeadLetter({
          id: `${now}#${this.mapping.tableName}`,
          kind: 'stream',
          createdAt: now,
          source: this.mapping.tableName,
          function: this.mapping.functionName,
          payload: this.lambdaEvent(batch),
          error: 'stream batch kept failing',
          attempts: attempt + 1,
        });
        runtimeLog('ERROR', 'streams', 'stream batch dead-lettered', { table: this.mapping.tableName, records: batch.length });
        return batch.at(-1)?.dynamodb?.SequenceNumber as string;
      }
      await sleep(this.options.retryDelayMs * (attempt + 1));
    }
  }

  /** The poll interval, cut short by wake() (or skipped when woken during the read that came back empty). */
  private idleWait(): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.interruptSleep?.(), this.options.pollIntervalMs);
      this.interruptSleep = () => {
        clearTimeout(timer);
        this.interruptSleep = undefined;
        resolve();
      };
    });
  }

  private lambdaEvent(records: StreamRecord[]): DynamoDBStreamEvent {
    return {
      Records: records.map((record) => ({
        eventID: record.eventID,
        eventName: record.eventName,
        eventVersion: record.eventVersion ?? '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: record.awsRegion ?? this.options.region,
        eventSourceARN: this.streamArn,
        dynamodb: {
          ...(record.dynamodb?.ApproximateCreationDateTime
            ? { ApproximateCreationDateTime: Math.floor(new Date(record.dynamodb.ApproximateCreationDateTime).getTime() / 1000) }
            : {}),
          Keys: record.dynamodb?.Keys as never,
          NewImage: repairEmptyMaps(record.dynamodb?.NewImage) as never,
          OldImage: repairEmptyMaps(record.dynamodb?.OldImage) as never,
          SequenceNumber: record.dynamodb?.SequenceNumber,
          SizeBytes: record.dynamodb?.SizeBytes,
          StreamViewType: record.dynamodb?.StreamViewType,
        },
      })),
    } as DynamoDBStreamEvent;
  }

  private async describeShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const description = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      shards.push(...(description.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = description.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return shards;
  }

  private async iterator(shardId: string, type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER', sequenceNumber?: string): Promise<string | undefined> {
    const result = await this.streams.send(
      new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }),
    );
    return result.ShardIterator;
  }
}

/**
 * DynamoDB Local's stream images carry an empty map as `{}` where DynamoDB (and so Lambda) sends `{"M": {}}`;
 * an attribute value always has exactly one type key, so `{}` can only be that map. Restored here so functions see
 * what Lambda would hand them.
 */
export function repairEmptyMaps<T>(image: T): T {
  if (!image || typeof image !== 'object') return image;
  const repair = (value: unknown): unknown => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return { M: {} };
    const [type, inner] = entries[0] as [string, unknown];
    if (type === 'M' && inner && typeof inner === 'object') {
      return { M: Object.fromEntries(Object.entries(inner as Record<string, unknown>).map(([key, child]) => [key, repair(child)])) };
    }
    if (type === 'L' && Array.isArray(inner)) return { L: inner.map(repair) };
    return value;
  };
  return Object.fromEntries(Object.entries(image as Record<string, unknown>).map(([key, value]) => [key, repair(value)])) as T;
}

/** Parents before children, so records are processed in order across shard rollovers. */
function orderShards(shards: Shard[]): Shard[] {
  const ids = new Set(shards.map((shard) => shard.ShardId));
  const ordered: Shard[] = [];
  const visit = (parentId: string | undefined) => {
    for (const shard of shards.filter((candidate) => (candidate.ParentShardId && ids.has(candidate.ParentShardId) ? candidate.ParentShardId : undefined) === parentId)) {
      ordered.push(shard);
      visit(shard.ShardId);
    }
  };
  visit(undefined);
  return ordered;
}


function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

