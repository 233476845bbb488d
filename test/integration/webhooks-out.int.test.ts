import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { createEndpoint, fanOut, replayDelivery, replayFailedSince, rotateEndpointSecret, sendDueDeliveries, updateEndpoint, type WebhooksOutDeps } from '../../functions/webhooks-out/domain/use-cases';
import { ATTEMPT_LEASE_MS, RETRY_DELAYS_MS } from '../../functions/webhooks-out/domain/schedule';
import { httpSender } from '../../functions/webhooks-out/http-sender';
import { WebhooksOutRepository } from '../../functions/webhooks-out/webhooks-out.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { uniqueId } from '../support/api-event';

/**
 * Outbound webhooks on DynamoDB Local with a real HTTP receiver on 127.0.0.1 and the real sender: a signed delivery an
 * independent Standard Webhooks verifier accepts, sent once however often the event is redelivered; 500s retried on the
 * schedule under a moved clock until a 200, every attempt in the log; 410 disables and announces; 3xx is not
 * followed; a hung receiver times out; two sweeps at once send a due retry once; replay of one message and of every
 * failure since a time; a name that resolves to a private address is refused at registration and at send time; erasure
 * deletes the payloads about a customer. Dates are in 2035, so no other suite's items mix in.
 */
const client = dynamoDocumentClient();
const store = new WebhooksOutRepository(client, process.env.WEBHOOKS_OUT_TABLE_NAME as string);
const T0 = '2035-01-10T10:00:00.000Z';
let clock = T0;
const advance = (ms: number) => (clock = new Date(Date.parse(clock) + ms).toISOString());

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}
let server: Server;
let base: string;
const received: Received[] = [];
/** What the receiver answers next, per path; 200 when nothing is queued. `hang` never answers. */
const answers = new Map<string, (number | 'hang')[]>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.get(path)?.shift() ?? 200;
      if (answer === 'hang') return;
      response.writeHead(answer, answer >= 300 && answer < 400 ? { location: '/elsewhere' } : {});
      response.end(answer === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(async () => {
  for (const endpoint of await store.listEndpoints()) await store.deleteEndpoint(endpoint.endpointId);
  received.length = 0;
  answers.clear();
});

const deps = (overrides: Partial<WebhooksOutDeps> = {}): WebhooksOutDeps => ({
  store,
  sender: httpSender({ allowLoopback: true, timeoutMs: 1_000 }),
  now: () => clock,
  wallClockSeconds: () => Math.floor(Date.now() / 1000),
  allowLoopback: true,
  resolve: async (host) => (host === 'localhost' ? ['127.0.0.1'] : host === 'internal.example.test' ? ['10.0.0.7'] : []),
  random: () => 0.5,
  ...overrides,
});

async function register(path: string, eventTypes: string[] = ['PointsEarned']) {
  const created = await createEndpoint(deps(), { url: `${base}${path}`, eventTypes }, 'marketer:ana');
  if (created.kind !== 'created') throw new Error(`not created: ${JSON.stringify(created)}`);
  return created;
}

const pointsEarned = (customerId: string, points = 150) => ({
  eventType: 'PointsEarned',
  eventId: `PointsEarned:${uniqueId('e')}`,
  occurredAt: clock,
  data: { customerId, entryId: 'e-1', points, status: 'pending', storeId: 'shop', orderId: uniqueId('o'), programVersion: 1, availableAt: clock, balance: { available: 0, pending: points } },
});

const verify = (secret: string, request: Received) =>
  new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });

describe('outbound webhooks on DynamoDB Local', () => {
  it('delivers a signed PointsEarned that an independent verifier accepts, once however often the event arrives', async () => {
    const { endpoint, secret } = await register('/signed');
    const event = pointsEarned('wh-c1');
    expect(await fanOut(deps(), event)).toEqual({ endpoints: 1, created: 1, delivered: 1 });
    expect(await fanOut(deps(), event)).toEqual({ endpoints: 1, created: 0, delivered: 0 });
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.headers['content-type']).toBe('application/json');
    expect(String(request.headers['webhook-id'])).toMatch(/^msg_/);
    expect(verify(secret, request)).toEqual({ type: 'PointsEarned', timestamp: T0, data: event.data });
    const [delivery] = (await store.listDeliveries(endpoint.endpointId, { limit: 10 })).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 1, attempts: [{ outcome: 'succeeded', status: 200, trigger: 'event' }] });
    expect(delivery?.attempts[0]?.latencyMs).toEqual(expect.any(Number));
    // An endpoint not subscribed to the type, or disabled, gets nothing.
    await register('/other', ['TierChanged']);
    expect((await fanOut(deps(), pointsEarned('wh-c1'))).endpoints).toBe(1);
  });

  it('retries 500s on the schedule under the moved clock until a 200, and the log shows every attempt', async () => {
    const { endpoint, secret } = await register('/flaky');
    answers.set('/flaky', [500, 500, 503]);
    clock = T0;
    await fanOut(deps(), pointsEarned('wh-c2'));
    let [delivery] = (await store.listDeliveries(endpoint.endpointId, { limit: 1 })).items;
    expect(delivery).toMatchObject({ status: 'pending', nextAttemptAt: new Date(Date.parse(T0) + 5_000).toISOString() });
    expect((await store.getEndpoint(endpoint.endpointId))?.failingSince).toBe(T0);
    // Nothing is due before its time.
    expect((await sendDueDeliveries(deps())).processed).toBe(0);
    for (const delay of RETRY_DELAYS_MS.slice(1, 4)) {
      advance(delay);
      expect((await sendDueDeliveries(deps())).changed).toBe(1);
    }
    [delivery] = (await store.listDeliveries(endpoint.endpointId, { limit: 1 })).items;
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempts.map((attempt) => [attempt.trigger, attempt.status])).toEqual([
      ['event', 500],
      ['retry', 500],
      ['retry', 503],
      ['retry', 200],
    ]);
    const times = delivery?.attempts.map((attempt) => Date.parse(attempt.at) - Date.parse(T0));
    expect(times).toEqual([0, 5_000, 305_000, 2_105_000]);
    // The same message id and body on every attempt; each signature verifies.
    expect(new Set(received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    for (const request of received) expect(verify(secret, request)).toMatchObject({ type: 'PointsEarned' });
    expect((await store.getEndpoint(endpoint.endpointId))?.failingSince).toBeUndefined();
  });

  it('disables an endpoint that answers 410, announces it, and sends it nothing more', async () => {
    const { endpoint } = await register('/gone');
    answers.set('/gone', [410]);
    await fanOut(deps(), pointsEarned('wh-c3'));
    const item = await client.send(new GetCommand({ TableName: store.tableName, Key: { pk: 'ENDPOINT', sk: endpoint.endpointId } }));
    expect(item.Item?.endpoint).toMatchObject({ enabled: false, disabled: { reason: 'gone' } });
    expect(item.Item?.outbox).toMatchObject({ detailType: 'WebhookEndpointDisabled', detail: { data: { endpointId: endpoint.endpointId, host: new URL(base).host, reason: 'gone' } } });
    const [delivery] = (await store.listDeliveries(endpoint.endpointId, { limit: 1 })).items;
    expect(delivery).toMatchObject({ status: 'failed', failedReason: 'gone' });
    expect(await fanOut(deps(), pointsEarned('wh-c3'))).toMatchObject({ endpoints: 0 });
    expect(received).toHaveLength(1);
    expect(await replayDelivery(deps(), endpoint.endpointId, delivery?.messageId as string)).toEqual({ kind: 'endpoint-disabled' });
  });

  it('disables an endpoint whose deliveries failed for 5 days without a success, and announces why', async () => {
    const { endpoint } = await register('/down');
    answers.set('/down', Array.from({ length: 20 }, () => 503));
    clock = '2035-03-01T10:00:00.000Z';
    await fanOut(deps(), pointsEarned('wh-c8'));
    expect((await store.getEndpoint(endpoint.endpointId))?.failingSince).toBe(clock);
    advance(5 * 86_400_000 - 60_000);
    await fanOut(deps(), pointsEarned('wh-c8'));
    expect((await store.getEndpoint(endpoint.endpointId))?.enabled).toBe(true);
    advance(60_000);
    await fanOut(deps(), pointsEarned('wh-c8'));
    const item = await client.send(new GetCommand({ TableName: store.tableName, Key: { pk: 'ENDPOINT', sk: endpoint.endpointId } }));
    expect(item.Item?.endpoint).toMatchObject({ enabled: false, disabled: { reason: 'failing', at: clock }, failingSince: '2035-03-01T10:00:00.000Z' });
    expect(item.Item?.outbox).toMatchObject({ detailType: 'WebhookEndpointDisabled', detail: { data: { reason: 'failing', failingSince: '2035-03-01T10:00:00.000Z', disabledAt: clock } } });
    // Its pending retries fail as endpoint-disabled when the schedule reaches them; nothing more is sent.
    const sent = received.length;
    advance(86_400_000);
    await sendDueDeliveries(deps());
    expect(received).toHaveLength(sent);
    const log = (await store.listDeliveries(endpoint.endpointId, { limit: 10 })).items;
    expect(log.map((delivery) => delivery.failedReason).sort()).toEqual(['endpoint-disabled', 'endpoint-disabled', 'endpoint-disabled']);
  });

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    const { endpoint, secret: old } = await register('/rotating');
    clock = '2035-04-01T10:00:00.000Z';
    const rotated = await rotateEndpointSecret(deps(), endpoint.endpointId, 1);
    if (rotated.kind !== 'rotated') throw new Error('not rotated');
    await fanOut(deps(), pointsEarned('wh-c9'));
    const during = received.at(-1) as Received;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(old, during)).toMatchObject({ type: 'PointsEarned' });
    expect(verify(rotated.secret, during)).toMatchObject({ type: 'PointsEarned' });
    advance(3_600_000);
    await fanOut(deps(), pointsEarned('wh-c9'));
    const after = received.at(-1) as Received;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(rotated.secret, after)).toMatchObject({ type: 'PointsEarned' });
    expect(() => verify(old, after)).toThrow();
  });

  it('follows no redirect, and gives up on a receiver that does not answer in time', async () => {
    const { endpoint } = await register('/moved');
    answers.set('/moved', [302]);
    await fanOut(deps(), pointsEarned('wh-c4'));
    expect(received.map((request) => request.path)).toEqual(['/moved']);
    const { endpoint: slow } = await register('/slow', ['TierChanged']);
    answers.set('/slow', ['hang']);
    await fanOut(deps(), { eventType: 'TierChanged', eventId: uniqueId('tier'), occurredAt: clock, data: { customerId: 'wh-c4', from: null, to: 'Gold', direction: 'up', qualifyingSpendMinor: 1, currency: 'USD' } });
    const [moved] = (await store.listDeliveries(endpoint.endpointId, { limit: 1 })).items;
    const [hung] = (await store.listDeliveries(slow.endpointId, { limit: 1 })).items;
    expect(moved?.attempts[0]).toMatchObject({ outcome: 'failed', status: 302, error: 'status 302' });
    expect(hung?.attempts[0]).toMatchObject({ outcome: 'failed', error: 'timeout after 1 s' });
    expect(hung?.status).toBe('pending');
  });

  it('sends a due retry once when two sweeps run at the same time', async () => {
    const { endpoint } = await register('/race');
    answers.set('/race', [500]);
    await fanOut(deps(), pointsEarned('wh-c5'));
    advance(60_000);
    // (Other tests' deliveries to endpoints deleted since may be due too: only this endpoint's requests are counted.)
    await Promise.all([sendDueDeliveries(deps()), sendDueDeliveries(deps())]);
    expect(received.filter((request) => request.path === '/race')).toHaveLength(2);
    const [delivery] = (await store.listDeliveries(endpoint.endpointId, { limit: 1 })).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 2 });
  });

  it('sends again, after its lease, a delivery whose sender died mid-attempt — and not before', async () => {
    const { endpoint } = await register('/crashed');
    clock = '2035-05-01T10:00:00.000Z';
    const crashing = deps({ sender: { send: () => Promise.reject(new Error('the invocation died')) } });
    await expect(fanOut(crashing, pointsEarned('wh-c10'))).rejects.toThrow('the invocation died');
    expect(received).toHaveLength(0);
    advance(ATTEMPT_LEASE_MS - 1_000);
    expect((await sendDueDeliveries(deps())).changed).toBe(0);
    advance(1_000);
    expect((await sendDueDeliveries(deps())).changed).toBe(1);
    expect(received.map((request) => request.path)).toEqual(['/crashed']);
    const [delivery] = (await store.listDeliveries(endpoint.endpointId, { limit: 1 })).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 1, attempts: [{ trigger: 'retry', status: 200 }] });
  });

  it('replays one message now, and recovers every failure since a time once the endpoint is enabled again', async () => {
    const { endpoint, secret } = await register('/replay');
    answers.set('/replay', [410]);
    clock = '2035-02-01T10:00:00.000Z';
    await fanOut(deps(), pointsEarned('wh-c6'));
    // More failures while it is off: they fail as endpoint-disabled… (enable, fail one more with 410-free 500s)
    await updateEndpoint(deps(), endpoint.endpointId, { enabled: true });
    answers.set('/replay', Array.from({ length: 8 }, () => 500));
    advance(1_000);
    await fanOut(deps(), pointsEarned('wh-c6'));
    for (const delay of RETRY_DELAYS_MS.slice(1)) {
      advance(delay + 60_000);
      await sendDueDeliveries(deps());
    }
    const failed = (await store.listDeliveries(endpoint.endpointId, { limit: 10, status: 'failed' })).items;
    expect(failed.map((delivery) => delivery.failedReason).sort()).toEqual(['exhausted', 'gone']);
    received.length = 0;
    const [newest] = failed;
    const one = await replayDelivery(deps(), endpoint.endpointId, newest?.messageId as string);
    expect(one).toMatchObject({ kind: 'sent', delivery: { status: 'succeeded', attempts: expect.arrayContaining([expect.objectContaining({ trigger: 'replay', status: 200 })]) } });
    expect(verify(secret, received[0] as Received)).toMatchObject({ type: 'PointsEarned' });
    expect(await replayDelivery(deps(), endpoint.endpointId, 'msg_000000000aaaaaaaaaaaaaaaa')).toEqual({ kind: 'not-found' });
    // Everything failed since the start: the one left (the 410) is due now and the schedule sends it.
    expect(await replayFailedSince(deps(), endpoint.endpointId, '2035-02-01T00:00:00.000Z')).toEqual({ kind: 'scheduled', scheduled: 1 });
    expect(await replayFailedSince(deps(), endpoint.endpointId, '2035-02-01T00:00:00.000Z')).toEqual({ kind: 'scheduled', scheduled: 0 });
    expect((await sendDueDeliveries(deps())).changed).toBe(1);
    expect((await store.listDeliveries(endpoint.endpointId, { limit: 10, status: 'failed' })).items).toHaveLength(0);
    expect(received).toHaveLength(2);
  });

  it('refuses a name that resolves to a private address at registration, and a loopback name at send time on AWS', async () => {
    expect(await createEndpoint(deps(), { url: 'https://internal.example.test/hook', eventTypes: ['PointsEarned'] }, 'marketer:ana')).toEqual({
      kind: 'invalid',
      errors: [{ pointer: '/url', detail: expect.stringContaining('10.0.0.7') }],
    });
    expect(await createEndpoint(deps(), { url: 'https://10.0.0.5/hook', eventTypes: ['PointsEarned'] }, 'marketer:ana')).toMatchObject({ kind: 'invalid' });
    // Registered while loopback is allowed, sent by a sender that refuses it (as on AWS): the request never leaves.
    const port = new URL(base).port;
    const created = await createEndpoint(deps(), { url: `http://localhost:${port}/rebound`, eventTypes: ['PointsEarned'] }, 'marketer:ana');
    if (created.kind !== 'created') throw new Error('not created');
    await fanOut(deps({ sender: httpSender({ allowLoopback: false, timeoutMs: 1_000 }) }), pointsEarned('wh-c7'));
    expect(received).toHaveLength(0);
    const [delivery] = (await store.listDeliveries(created.endpoint.endpointId, { limit: 1 })).items;
    expect(delivery?.attempts[0]?.error).toMatch(/^refused: localhost resolves to .*loopback/);
  });

  it('exports what was sent about a customer, and erasure deletes the payloads and takes the id off the log', async () => {
    const { endpoint } = await register('/privacy');
    const customerId = uniqueId('wh-erase');
    await fanOut(deps(), pointsEarned(customerId));
    const exported = await store.exportCustomer(customerId);
    expect(exported.deliveries).toHaveLength(1);
    expect(JSON.parse(exported.messages[0]?.body as string)).toMatchObject({ data: { customerId } });
    expect(await store.eraseCustomer(uniqueId('req'), customerId, clock)).toBe(2);
    expect(await store.exportCustomer(customerId)).toEqual({ deliveries: [], messages: [] });
    const [delivery] = (await store.listDeliveries(endpoint.endpointId, { limit: 1 })).items;
    expect(delivery).toMatchObject({ status: 'succeeded', eventType: 'PointsEarned' });
    expect(delivery?.customerId).toBeUndefined();
    expect(await store.getMessage(delivery?.messageId as string)).toBeUndefined();
  });
});
