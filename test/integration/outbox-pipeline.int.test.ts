import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { newPurchase } from '../../functions/purchases/domain/purchase';
import { PurchasesRepository } from '../../functions/purchases/purchases.repository';
import { LocalEventBus } from '../../infra/local/event-bus';
import { createEventBridgeServer } from '../../infra/local/event-bus-server';
import { Journal } from '../../infra/local/journal';
import { StreamPoller } from '../../infra/local/stream-poller';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { lambdaContext, uniqueId } from '../support/api-event';

/**
 * The outbox path end to end on DynamoDB Local: a purchase written with its outbox record → the table's stream →
 * the real relay function → PutEvents through the SDK → the local bus → a subscribed target, with retries and a
 * dead letter for a failing target.
 */
const BUS = 'loyalty-loop-test';
let server: Server;
let bus: LocalEventBus;
let journal: Journal;
let poller: StreamPoller;
const delivered: unknown[] = [];
let failuresToInject = 0;

beforeAll(async () => {
  const dynamo = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT });
  journal = new Journal(dynamo, uniqueId('journal'));
  await journal.ensureTable();
  bus = new LocalEventBus(
    [{ name: 'test-purchase-recorded', pattern: PurchaseRecorded.pattern, function: 'target', retryAttempts: 2, maxEventAgeSeconds: 3600 }],
    journal,
    async (_name, event) => {
      if (failuresToInject > 0) {
        failuresToInject--;
        throw new Error('target failed on purpose');
      }
      delivered.push(event);
    },
    { busName: BUS, region: 'us-east-1', account: '000000000000', retryBaseDelayMs: 10, now: () => new Date() },
  );
  // Called in-process with the test's own credentials (not a function's): publishing is allowed, invoking is not.
  server = createEventBridgeServer({
    bus,
    invoke: () => Promise.reject(new Error('no functions here')),
    permissions: new Map(),
    region: 'us-east-1',
    account: '000000000000',
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, { EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${(server.address() as { port: number }).port}`, EVENT_BUS_NAME: BUS });
  const { handler: relay } = await import('../../functions/platform/outbox-relay.handler');
  poller = new StreamPoller(
    { tableName: process.env.PURCHASES_TABLE_NAME as string, functionName: 'outboxRelay', batchSize: 100, maxRetryAttempts: 3 },
    dynamo,
    new DynamoDBStreamsClient({ endpoint: process.env.DYNAMODB_ENDPOINT }),
    journal,
    (_name, event) => (relay as (event: unknown, context: unknown) => Promise<unknown>)(event, lambdaContext()),
    { pollIntervalMs: 50, retryDelayMs: 50, region: 'us-east-1' },
  );
  poller.start();
});

afterAll(async () => {
  await poller.stop();
  bus.stop();
  await new Promise((resolve) => server.close(resolve));
});

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const repository = () => new PurchasesRepository(dynamoDocumentClient(), process.env.PURCHASES_TABLE_NAME as string);

function detailOf(event: unknown): { metadata: { eventId: string }; data: { storeId: string } } {
  return (event as { detail: { metadata: { eventId: string }; data: { storeId: string } } }).detail;
}

describe('outbox → stream → relay → bus → target', () => {
  it('delivers PurchaseRecorded for a recorded purchase, once, in the EventBridge envelope', async () => {
    const storeId = uniqueId('store');
    await repository().insertPurchase(newPurchase({ storeId, orderId: 'o-1', customerId: 'c-1', amountMinor: 1234, currency: 'USD', items: [] }, new Date()));
    const event = await waitFor(() => delivered.find((candidate) => detailOf(candidate).data.storeId === storeId));
    expect(event).toMatchObject({
      version: '0',
      source: 'loyalty-loop.purchases',
      'detail-type': 'PurchaseRecorded',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      detail: { metadata: { eventId: `purchase-recorded:${storeId}:o-1`, version: 1 }, data: { amountMinor: 1234 } },
    });
    expect(PurchaseRecorded.detailSchema.safeParse((event as { detail: unknown }).detail).success).toBe(true);
    // A later update of the same item (a refund raising refundedMinor) is not a new event.
    await repository().insertRefund(
      { ...newPurchase({ storeId, orderId: 'o-1', customerId: 'c-1', amountMinor: 1234, currency: 'USD', items: [] }, new Date()) },
      { storeId, orderId: 'o-1', refundId: 'r', amountMinor: 1, currency: 'USD', createdAt: new Date().toISOString(), fingerprint: 'f' },
      { refundedTotalMinor: 1, fullyRefunded: false },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(delivered.filter((candidate) => detailOf(candidate).data.storeId === storeId)).toHaveLength(1);
  });

  it('retries a failing target twice, then dead-letters the event; a replay delivers it', async () => {
    failuresToInject = 3;
    const storeId = uniqueId('store');
    await repository().insertPurchase(newPurchase({ storeId, orderId: 'o-dlq', customerId: 'c-1', amountMinor: 5, currency: 'USD', items: [] }, new Date()));
    const letter = await waitFor(async () => (await journal.deadLetters()).find((candidate) => detailOf(candidate.payload).data.storeId === storeId));
    expect(letter).toMatchObject({ kind: 'event', source: 'test-purchase-recorded', function: 'target', attempts: 3, error: 'Error: target failed on purpose' });
    expect(delivered.some((candidate) => detailOf(candidate).data.storeId === storeId)).toBe(false);

    await bus.replay(letter);
    expect(delivered.filter((candidate) => detailOf(candidate).data.storeId === storeId)).toHaveLength(1);
    expect((await journal.getDeadLetter(letter.id))?.replayedAt).toBeDefined();
  });

  it('answers PutEvents per entry, as EventBridge does', async () => {
    const result = await bus.putEvents([
      { Source: 'x', DetailType: 'y', Detail: '{"a":1}', EventBusName: BUS },
      { Source: 'x', DetailType: 'y', Detail: 'not json', EventBusName: BUS },
      { Source: 'x', DetailType: 'y', Detail: '{}', EventBusName: 'elsewhere' },
      { DetailType: 'y', Detail: '{}' },
    ]);
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries.map((entry) => ('ErrorCode' in entry ? entry.ErrorCode : 'ok'))).toEqual(['ok', 'MalformedDetail', 'NotFound', 'InvalidArgument']);
  });
});
