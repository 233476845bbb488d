import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signShopify } from '../../functions/webhooks/domain/signatures';
import { topology } from '../../infra/topology';
import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/** Every service holding personal data confirms an erasure (the services declare it; a new one joins by itself). */
const ERASING_SERVICES = topology.privacy.map((duty) => duty.service).sort();

/** GDPR on the running system: export everything about a customer; erase their personal data in every service. */
let runtime: RuntimeProcess;
let key: string;
let marketer: string;
/** A merchant's webhook receiver: what was sent about a customer (their email in PurchaseRecorded) is theirs to erase too. */
let receiver: Server;
const delivered: string[] = [];
const emailOf = (customerId: string) => `${customerId}.person@example.com`;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'gdpr', '--json')) as { key: string }).key;
  marketer = (await runtime.cli('token', '--marketer', 'dpo')).trim();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      delivered.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const endpoint = await api(runtime.url, 'POST', '/v1/webhook-endpoints', {
    body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`, eventTypes: ['PurchaseRecorded', 'PointsAdjusted'] },
    headers: { authorization: `Bearer ${marketer}` },
  });
  expect(endpoint.status).toBe(201);
}, 90_000);

afterAll(async () => {
  receiver?.closeAllConnections();
  receiver?.close();
  await runtime?.stop();
});

async function tablesContaining(text: string): Promise<string[]> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: `http://127.0.0.1:${runtime.ports.dynamodb}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  const found: string[] = [];
  for (const table of (await client.send(new ListTablesCommand({}))).TableNames ?? []) {
    if (table.includes('runtime-journal')) continue; // the local event journal, like the bus archive, keeps delivered events
    const items = (await client.send(new ScanCommand({ TableName: table }))).Items ?? [];
    if (JSON.stringify(items).toLowerCase().includes(text)) found.push(table);
  }
  return found;
}

/** A testimonial asked with the customer's email, written with it in the words and name, approved onto the wall. */
async function seedTestimonial(customerId: string): Promise<string> {
  const EMAIL = emailOf(customerId);
  const asked = await api(runtime.url, 'POST', '/v1/testimonial-requests', { body: { customers: [{ customerId, email: EMAIL }] }, headers: { authorization: `Bearer ${marketer}` } });
  const [request] = asked.body.requests as { status: string; link: string }[];
  expect(request?.status).toBe('requested');
  const token = decodeURIComponent(new URL(request?.link as string).pathname.slice('/t/'.length));
  const submitted = await api(runtime.url, 'POST', '/v1/testimonials', { body: { token, rating: 5, text: `Write to me at ${EMAIL} any time`, displayName: `Pat (${EMAIL})`, consent: 'public' } });
  expect(submitted.status).toBe(201);
  const testimonialId = submitted.body.testimonialId as string;
  expect((await api(runtime.url, 'POST', `/v1/testimonials/${testimonialId}/approve`, { headers: { authorization: `Bearer ${marketer}` } })).status).toBe(200);
  return testimonialId;
}

const onWall = async () => ((await api(runtime.url, 'GET', '/v1/walls/default')).body.testimonials as { testimonialId: string }[]).map((entry) => entry.testimonialId);

async function seedCustomer(customerId: string): Promise<void> {
  const EMAIL = emailOf(customerId);
  await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: `${customerId}-o1`, customerId, email: EMAIL, amount: '80.00', currency: 'USD' }, headers: { 'x-api-key': key } });
  await api(runtime.url, 'POST', `/v1/purchases/${customerId}-o1/refunds`, { body: { refundId: 'r1', amount: '5.00', reason: `Call ${EMAIL} about the damaged box` }, headers: { 'x-api-key': key } });
  await api(runtime.url, 'POST', `/v1/customers/${customerId}/adjustments`, { body: { adjustmentId: 'goodwill', points: 10, reason: `Apology sent to ${EMAIL}` }, headers: { authorization: `Bearer ${marketer}` } });
  await eventually(async () => ((await api(runtime.url, 'GET', `/v1/customers/${customerId}/activity`, { headers: { 'x-api-key': key } })).body.refundCount === 1 ? true : undefined));
  // The purchase (with the email) and the adjustment (its reason) went out to the merchant's endpoint.
  await eventually(async () => (delivered.filter((body) => body.includes(EMAIL)).length >= 2 ? true : undefined));
}

describe('export', () => {
  it('gives the customer themself and marketers everything held, from every service', async () => {
    await seedCustomer('gdpr-export');
    const token = (await runtime.cli('token', '--customer', 'gdpr-export')).trim();
    const exported = await api(runtime.url, 'GET', '/v1/customers/gdpr-export/export', { headers: { authorization: `Bearer ${token}` } });
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      customerId: 'gdpr-export',
      purchases: [expect.objectContaining({ orderId: 'gdpr-export-o1', email: emailOf('gdpr-export'), refunds: [expect.objectContaining({ refundId: 'r1' })] })],
      activity: expect.objectContaining({ orderCount: 1 }),
      loyalty: expect.objectContaining({ account: expect.objectContaining({ customerId: 'gdpr-export' }), ledger: expect.any(Array) }),
    });
    // The purchase also scheduled an NPS survey (the demo settings ask 7 days after a purchase), with the email.
    const withFeedback = await eventually(async () => {
      const again = await api(runtime.url, 'GET', '/v1/customers/gdpr-export/export', { headers: { authorization: `Bearer ${marketer}` } });
      return (again.body.feedback as unknown[] | undefined)?.length === 1 ? again.body : undefined;
    }, 10_000);
    expect(withFeedback.feedback).toEqual([expect.objectContaining({ trigger: 'purchase', status: 'scheduled', email: emailOf('gdpr-export') })]);
    expect(withFeedback.referrals).toMatchObject({ codes: [], referred: [], referredBy: null });
    expect(withFeedback.testimonials).toEqual({ requests: [], testimonials: [] });
    // The journey: the purchase made them a first-time buyer and its spend lifted their tier (the demo program's
    // first upgrade), so loyal; the refund and the points are among its signals.
    const withJourney = await eventually(async () => {
      const again = await api(runtime.url, 'GET', '/v1/customers/gdpr-export/export', { headers: { authorization: `Bearer ${marketer}` } });
      const journey = again.body.journey as { stage: string; signals: { refunds: number; balance?: { available: number } } } | undefined;
      return journey?.stage === 'loyal' && journey.signals.refunds === 1 && (journey.signals.balance?.available ?? 0) > 0 ? journey : undefined;
    }, 10_000);
    // Milestones, not the history, are compared: the purchase and the tier change reach the journey in either order.
    expect(withJourney).toMatchObject({
      customerId: 'gdpr-export',
      milestones: { first_purchase: { cause: { detailType: 'PurchaseRecorded' } }, loyal: { cause: { detailType: 'TierChanged' } } },
      history: [{ to: 'loyal' }, ...((withJourney as unknown as { history: unknown[] }).history.length === 2 ? [{ from: null, to: 'first_purchase' }] : [])],
    });
    const journey = await api(runtime.url, 'GET', '/v1/customers/gdpr-export/journey', { headers: { authorization: `Bearer ${token}` } });
    expect(journey.body).toMatchObject({ customerId: 'gdpr-export', stage: 'loyal' });
    // What went out to the merchant's webhook endpoint about them: the log and the payloads still kept.
    const sent = withFeedback.webhookDeliveries as { deliveries: { eventType: string; status: string }[]; payloads: { eventType: string; body: { data: { email?: string } } }[] };
    expect(sent.deliveries.map((delivery) => [delivery.eventType, delivery.status]).sort()).toEqual([
      ['PointsAdjusted', 'succeeded'],
      ['PurchaseRecorded', 'succeeded'],
    ]);
    expect(sent.payloads.find((payload) => payload.eventType === 'PurchaseRecorded')?.body.data.email).toBe(emailOf('gdpr-export'));
    const other = (await runtime.cli('token', '--customer', 'someone-else')).trim();
    expect((await api(runtime.url, 'GET', '/v1/customers/gdpr-export/export', { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
  });
});

describe('erasure', () => {
  it('removes the customer\'s email and free text from every table, each service confirming once', async () => {
    // The testimonial first: the purchase's survey would otherwise hold the one contact the budget allows.
    const testimonialId = await seedTestimonial('gdpr-erase');
    expect(await onWall()).toContain(testimonialId);
    const exported = await api(runtime.url, 'GET', '/v1/customers/gdpr-erase/export', { headers: { authorization: `Bearer ${marketer}` } });
    expect(exported.body.testimonials).toMatchObject({ requests: [{ email: emailOf('gdpr-erase'), status: 'submitted' }], testimonials: [{ testimonialId, status: 'approved' }] });
    await seedCustomer('gdpr-erase');
    expect((await api(runtime.url, 'DELETE', '/v1/customers/gdpr-erase', { headers: { 'x-api-key': key } })).status).toBe(401);
    const accepted = await api(runtime.url, 'DELETE', '/v1/customers/gdpr-erase', { headers: { authorization: `Bearer ${marketer}` } });
    expect(accepted.status).toBe(202);
    const requestId = accepted.body.requestId as string;
    const confirmations = await eventually(async () => {
      const page = await api(runtime.url, 'GET', '/_local/events?detailType=CustomerErased&limit=100');
      const services = (page.body.items as { event: { detail: { data: { requestId: string; service: string } } } }[])
        .filter((item) => item.event.detail.data.requestId === requestId)
        .map((item) => item.event.detail.data.service)
        .sort();
      return services.length === ERASING_SERVICES.length ? services : undefined;
    }, 20_000);
    expect(confirmations).toEqual(ERASING_SERVICES);
    expect(ERASING_SERVICES).toEqual(['customers', 'feedback', 'journey', 'loyalty', 'purchases', 'referrals', 'testimonials', 'webhooks-out']);
    expect(await onWall()).not.toContain(testimonialId);
    // The journey is gone (a tombstone keeps its later events from being counted again); the overview keeps the count.
    expect((await api(runtime.url, 'GET', '/v1/customers/gdpr-erase/journey', { headers: { authorization: `Bearer ${marketer}` } })).status).toBe(404);
    const overview = await api(runtime.url, 'GET', '/v1/analytics/overview', { headers: { authorization: `Bearer ${marketer}` } });
    expect(overview.body.members as number).toBeGreaterThanOrEqual(2);
    const csv = await api(runtime.url, 'GET', '/v1/analytics/overview', { headers: { authorization: `Bearer ${marketer}`, accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.text).toMatch(/^metric,value\r\nmembers,\d+\r\npurchasers,\d+\r\n/);
    expect(await tablesContaining(emailOf('gdpr-erase'))).toEqual([]);
    expect(await tablesContaining(emailOf('gdpr-export'))).not.toEqual([]);
    const purchase = await api(runtime.url, 'GET', '/v1/purchases/gdpr-erase-o1', { headers: { 'x-api-key': key } });
    expect(purchase.body.email).toBeUndefined();
    expect(purchase.body.amountMinor).toBe(8000);
    expect((purchase.body.refunds as { reason: string }[])[0]?.reason).toBe('[erased]');
    const ledger = await api(runtime.url, 'GET', '/v1/customers/gdpr-erase/ledger', { headers: { 'x-api-key': key } });
    expect((ledger.body.items as { type: string; reason: string }[]).find((entry) => entry.type === 'adjust')?.reason).toBe('[erased]');
    expect((await api(runtime.url, 'GET', '/v1/customers/gdpr-erase/loyalty', { headers: { 'x-api-key': key } })).body.available).toBeGreaterThan(0);
  }, 60_000);

  it('runs for Shopify customers/redact too', async () => {
    await runtime.cli('stores', 'set-secret', '--store', 'gdpr', '--platform', 'shopify', '--secret', 'shpss_gdpr_secret');
    const body = JSON.stringify({ shop_id: 1, shop_domain: 'gdpr.myshopify.com', customer: { id: 99001, email: 'x@example.com' }, orders_to_redact: [] });
    const response = await fetch(`${runtime.url}/v1/webhooks/shopify/gdpr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'customers/redact', 'x-shopify-hmac-sha256': signShopify(body, 'shpss_gdpr_secret'), 'x-shopify-webhook-id': 'redact-1' },
      body,
    });
    expect(((await response.json()) as { results: unknown[] }).results).toEqual([{ action: 'erase', outcome: 'erasure requested' }]);
    await eventually(async () => {
      const page = await api(runtime.url, 'GET', '/_local/events?detailType=CustomerErased&limit=100');
      return (page.body.items as { event: { detail: { data: { customerId: string } } } }[]).filter((item) => item.event.detail.data.customerId === '99001').length === ERASING_SERVICES.length ? true : undefined;
    }, 20_000);
  });
});
