import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createLoyaltyClient, isGatewayMessage, isValidationProblem, LoyaltyApiError, problemSlug, unwrap } from '../../client/src/index';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { topology } from '../../infra/topology';
import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * The system as a user meets it: `npm start` (in memory), keys and tokens from the `loyalty` CLI, HTTP calls (and
 * the typed client, @loyalty-loop/client), events through the stream relay and the local bus to a subscribed consumer.
 */
let runtime: RuntimeProcess;
let key: string;

interface JournalItem {
  event: { id: string; 'detail-type': string; detail: { metadata: { eventId: string }; data: Record<string, unknown> } };
  deliveries: { function: string; status: string; attempts: number }[];
}

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 's1', '--json')) as { key: string }).key;
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
});

const storefront = () => ({ 'x-api-key': key });

describe('purchases over HTTP on the local runtime', () => {
  const purchase = { orderId: 'e2e-1', customerId: 'cust-1', amount: '404.95', currency: 'USD', email: 'shopper@example.com' };

  it('answers the health check', async () => {
    const health = await api(runtime.url, 'GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });

  it('records a purchase (201), replays it (200, same body), and refuses a conflicting replay (409)', async () => {
    const created = await api(runtime.url, 'POST', '/v1/purchases', { body: purchase, headers: storefront() });
    expect(created.status).toBe(201);
    const replay = await api(runtime.url, 'POST', '/v1/purchases', { body: purchase, headers: storefront() });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(created.body);
    const conflict = await api(runtime.url, 'POST', '/v1/purchases', { body: { ...purchase, amount: '1.00' }, headers: storefront() });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toBe('application/problem+json');
  });

  it('names the field at fault in malformed bodies', async () => {
    const cases: [Record<string, unknown> | undefined, string | undefined, string][] = [
      [{ ...purchase, orderId: 'e2e-bad', amount: '1.999' }, undefined, '/amount'],
      [{ ...purchase, orderId: 'e2e-bad', currency: 'XXX' }, undefined, '/currency'],
      [{ ...purchase, orderId: 'e2e-bad', customerId: 42 }, undefined, '/customerId'],
      [undefined, '{"orderId": "x",', ''],
    ];
    for (const [body, rawBody, pointer] of cases) {
      const response = await api(runtime.url, 'POST', '/v1/purchases', { ...(body ? { body } : { rawBody }), headers: storefront() });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((response.body.errors as { pointer: string }[]).map((error) => error.pointer)).toContain(pointer);
    }
  });

  it('answers 401 without a key and 403 for a key revoked before its first use', async () => {
    expect((await api(runtime.url, 'POST', '/v1/purchases', { body: purchase })).status).toBe(401);
    const spare = JSON.parse(await runtime.cli('keys', 'create', '--store', 's1', '--json')) as { key: string; keyId: string };
    await runtime.cli('keys', 'revoke', spare.keyId);
    expect((await api(runtime.url, 'POST', '/v1/purchases', { body: purchase, headers: { 'x-api-key': spare.key } })).status).toBe(403);
    expect(await runtime.cli('keys', 'list', '--store', 's1')).toContain('revoked');
  });

  it('answers unknown routes 404 and wrong methods 405 with problem+json', async () => {
    const missing = await api(runtime.url, 'GET', '/v1/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const wrongMethod = await api(runtime.url, 'PUT', '/v1/purchases', { headers: storefront() });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('lets customers read only their own purchases with a token from the CLI', async () => {
    const own = (await runtime.cli('token', '--customer', 'cust-1')).trim();
    const other = (await runtime.cli('token', '--customer', 'someone-else')).trim();
    const mine = await api(runtime.url, 'GET', '/v1/customers/cust-1/purchases', { headers: { authorization: `Bearer ${own}` } });
    expect(mine.status).toBe(200);
    expect((mine.body.items as { orderId: string }[]).map((item) => item.orderId)).toContain('e2e-1');
    expect((await api(runtime.url, 'GET', '/v1/customers/cust-1/purchases', { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
    expect((await api(runtime.url, 'GET', '/v1/customers/cust-1/purchases', { headers: { authorization: `Bearer ${own}x` } })).status).toBe(401);
    const marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
    expect((await api(runtime.url, 'GET', '/v1/customers/cust-1/purchases', { headers: { authorization: `Bearer ${marketer}` } })).status).toBe(200);
  });
});

describe('events on the local runtime', () => {
  const journal = async (detailType: string) =>
    (await api(runtime.url, 'GET', `/_local/events?detailType=${detailType}&limit=100`)).body.items as JournalItem[];

  it('delivers PurchaseRecorded to its subscribed consumer, visible in the journal and the CLI', async () => {
    const delivered = await eventually(async () => {
      const item = (await journal('PurchaseRecorded')).find((candidate) => candidate.event.detail.data.orderId === 'e2e-1');
      return item?.deliveries.some((delivery) => delivery.function === 'trackCustomerActivity' && delivery.status === 'delivered') ? item : undefined;
    });
    expect(delivered.event.detail.metadata.eventId).toBe('purchase-recorded:s1:e2e-1');
    expect(await runtime.cli('events', '--detail-type', 'PurchaseRecorded')).toMatch(/PurchaseRecorded\s+purchase-recorded:s1:e2e-1\s+→ .*trackCustomerActivity:delivered/);
    const activity = await api(runtime.url, 'GET', '/v1/customers/cust-1/activity', { headers: storefront() });
    expect(activity.body).toMatchObject({ orderCount: 1, spend: [expect.objectContaining({ spentMinor: 40495 })] });
  });

  it('has its effect once when the same event is delivered again', async () => {
    const [original] = (await journal('PurchaseRecorded')).filter((candidate) => candidate.event.detail.data.orderId === 'e2e-1');
    const entry = { Source: 'loyalty-loop.purchases', DetailType: 'PurchaseRecorded', Detail: JSON.stringify(original?.event.detail), EventBusName: 'loyalty-loop-local' };
    for (let copy = 0; copy < 3; copy++) {
      const response = await fetch(runtime.eventBridgeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        body: JSON.stringify({ Entries: [entry, entry] }),
      });
      expect(((await response.json()) as { FailedEntryCount: number }).FailedEntryCount).toBe(0);
    }
    await eventually(async () => {
      const copies = (await journal('PurchaseRecorded')).filter((candidate) => candidate.event.detail.data.orderId === 'e2e-1');
      return copies.length === 7 && copies.every((copy) => copy.deliveries.every((delivery) => delivery.status === 'delivered')) ? true : undefined;
    });
    const activity = await api(runtime.url, 'GET', '/v1/customers/cust-1/activity', { headers: storefront() });
    expect(activity.body).toMatchObject({ orderCount: 1, spend: [expect.objectContaining({ spentMinor: 40495 })] });
  });

  it('relays refunds too', async () => {
    const refund = await api(runtime.url, 'POST', '/v1/purchases/e2e-1/refunds', { body: { refundId: 'r-1', amount: '4.95' }, headers: storefront() });
    expect(refund.status).toBe(201);
    const activity = await eventually(async () => {
      const response = await api(runtime.url, 'GET', '/v1/customers/cust-1/activity', { headers: storefront() });
      return response.body.refundCount === 1 ? response.body : undefined;
    });
    expect(activity.spend).toEqual([expect.objectContaining({ refundedMinor: 495, netMinor: 40000 })]);
  });
});

describe('the operator CLI against the runtime', () => {
  const putEvents = async (entries: unknown[]) => {
    const response = await fetch(runtime.eventBridgeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: entries }),
    });
    return (await response.json()) as { FailedEntryCount: number };
  };

  it('lists dead letters and replays them', async () => {
    // A PurchaseRecorded that breaks its contract: every consumer rejects it, retries twice, then dead-letters it.
    const consumers = topology.subscriptions.filter((subscription) => subscription.event === PurchaseRecorded).map((subscription) => subscription.function).sort();
    expect(consumers).toEqual(['candidateSignals', 'feedbackEvents', 'journeyEvents', 'loyaltyPurchaseEvents', 'referralPurchaseEvents', 'trackCustomerActivity', 'webhookFanOut']);
    const detail = { metadata: { eventId: 'broken-1', version: 1, occurredAt: '2026-11-22T10:00:00.000Z' }, data: { orderId: 'broken' } };
    expect((await putEvents([{ Source: 'loyalty-loop.purchases', DetailType: 'PurchaseRecorded', Detail: JSON.stringify(detail), EventBusName: 'loyalty-loop-local' }])).FailedEntryCount).toBe(0);
    type Letter = { id: string; kind: string; function: string; attempts: number; replayedAt?: string };
    const letters = await eventually(async () => {
      const listed = JSON.parse(await runtime.cli('dlq', 'list', '--json')) as Letter[];
      return listed.length >= consumers.length ? listed : undefined;
    }, 20_000);
    expect(letters.map((letter) => [letter.kind, letter.function, letter.attempts]).sort()).toEqual(consumers.map((name) => ['event', name, 3]));
    expect(await runtime.cli('dlq', 'list')).toContain('Invalid PurchaseRecorded detail');
    expect(await runtime.cli('dlq', 'replay', letters[0]?.id as string)).toContain('Replayed 1 dead letter(s).');
    // A replay waits for its delivery: the still-broken event was dead-lettered again, so --all finds the other
    // originals and that new letter — and each of those is dead-lettered again too.
    expect(await runtime.cli('dlq', 'replay', '--all')).toContain(`Replayed ${consumers.length} dead letter(s).`);
    const after = JSON.parse(await runtime.cli('dlq', 'list', '--json')) as Letter[];
    expect(after).toHaveLength(2 * consumers.length + 1);
    expect(after.filter((letter) => letter.replayedAt)).toHaveLength(consumers.length + 1);
    expect(await runtime.cli('dlq', 'replay', 'no-such-letter').catch((error: Error) => error.message)).toContain('No dead letter with that id');
  }, 60_000);

  it('follows the event journal as new events arrive', async () => {
    const follower = spawn(process.execPath, ['bin/loyalty.js', 'events', '--follow', '--detail-type', 'PurchaseRecorded'], {
      cwd: process.cwd(),
      env: { ...process.env, PORT: String(runtime.ports.api), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let seen = '';
    follower.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'followed-1', customerId: 'cust-f', amount: '1.00', currency: 'USD' }, headers: storefront() });
      await eventually(async () => (seen.includes('purchase-recorded:s1:followed-1') ? true : undefined), 10_000);
    } finally {
      follower.kill();
    }
  });
});

describe('the typed client (@loyalty-loop/client) and the CLI commands built on it', () => {
  const CUSTOMER = 'client-cust';
  let storeKey: string;
  let balanceRead: Record<string, unknown>;
  const loyaltyOf = (customerId: string) => ({ params: { path: { customerId } } });

  it('records a purchase with a new storefront key, and reads the balance with a customer token', async () => {
    storeKey = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'client-shop', '--json')) as { key: string }).key;
    const store = createLoyaltyClient({ baseUrl: runtime.url, apiKey: storeKey });
    const recorded = await store.POST('/v1/purchases', { body: { orderId: 'client-1', customerId: CUSTOMER, amount: '120.00', currency: 'USD' } });
    expect(recorded.response.status).toBe(201);
    expect(recorded.data).toMatchObject({ storeId: 'client-shop', orderId: 'client-1', amount: '120.00', amountMinor: 12000 });

    const token = (await runtime.cli('token', '--customer', CUSTOMER)).trim();
    const customer = createLoyaltyClient({ baseUrl: runtime.url, token: () => token });
    // The award follows PurchaseRecorded through the bus: pending points (the demo program holds them 14 days).
    const balance = await eventually(async () => {
      const read = await unwrap(customer.GET('/v1/customers/{customerId}/loyalty', loyaltyOf(CUSTOMER)));
      return read.pending > 0 ? read : undefined;
    });
    expect(balance).toMatchObject({ customerId: CUSTOMER, available: 0, tier: expect.objectContaining({ name: 'Bronze' }) });
    expect(balance.pending).toBeGreaterThanOrEqual(120);
    balanceRead = balance;

    // Another customer's balance: the API's 403 as a typed problem.
    const refused = await unwrap(customer.GET('/v1/customers/{customerId}/loyalty', loyaltyOf('someone-else'))).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LoyaltyApiError);
    expect(refused).toMatchObject({ status: 403, type: 'forbidden', problem: expect.objectContaining({ status: 403 }) });
  });

  it('gets a typed problem+json naming the field at fault for a bad request, and API Gateway\'s own message without a key', async () => {
    const store = createLoyaltyClient({ baseUrl: runtime.url, apiKey: storeKey });
    const { data, error, response } = await store.POST('/v1/purchases', { body: { orderId: 'client-2', customerId: CUSTOMER, amount: '1.999', currency: 'USD' } });
    expect(data).toBeUndefined();
    expect([response.status, response.headers.get('content-type')]).toEqual([400, 'application/problem+json']);
    if (!isValidationProblem(error)) throw new Error(`expected a validation problem, got ${JSON.stringify(error)}`);
    expect(problemSlug(error)).toBe('validation-error');
    expect(error.errors.map((field) => field.pointer)).toEqual(['/amount']);

    const thrown = await unwrap(store.POST('/v1/purchases', { body: { orderId: 'client-2', customerId: CUSTOMER, amount: '1.00', currency: 'XXX' } })).catch((failure: unknown) => failure);
    expect(thrown).toBeInstanceOf(LoyaltyApiError);
    expect((thrown as LoyaltyApiError).fieldErrors.map((field) => field.pointer)).toEqual(['/currency']);

    const anonymous = createLoyaltyClient({ baseUrl: runtime.url });
    const unauthorized = await anonymous.POST('/v1/purchases', { body: { orderId: 'client-3', customerId: CUSTOMER, amount: '1.00', currency: 'USD' } });
    expect(unauthorized.response.status).toBe(401);
    expect(isGatewayMessage(unauthorized.error)).toBe(true);
  });

  it('answers `loyalty version` and `loyalty balance` through the client, readable and as JSON', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await runtime.cli('version')).toBe(`loyalty-loop ${version} (stage local) at ${runtime.url}\n`);
    expect(JSON.parse(await runtime.cli('version', '--json'))).toEqual({ name: 'loyalty-loop', version, stage: 'local' });

    // A customer token minted from the local issuer, as `loyalty token` does.
    expect(JSON.parse(await runtime.cli('balance', '--customer', CUSTOMER, '--json'))).toEqual(balanceRead);
    const text = await runtime.cli('balance', '--customer', CUSTOMER);
    expect(text).toContain(`${CUSTOMER}: 0 points available, ${(balanceRead.pending as number).toLocaleString('en-US')} pending\n  tier Bronze (×1`);
    expect(text).toMatch(/next tier Silver: [\d.]+ USD more to spend/);
    // Or a storefront's key; and a bad token is the API's 401, said on stderr with exit status 1.
    expect(JSON.parse(await runtime.cli('balance', '--customer', CUSTOMER, '--api-key', storeKey, '--json'))).toEqual(balanceRead);
    const failed = (await runtime.cli('balance', '--customer', CUSTOMER, '--token', 'not-a-token').catch((error: unknown) => error)) as { code: number; stderr: string };
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^loyalty: 401 /);
  });
});
