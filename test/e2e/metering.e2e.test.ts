import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Issue 9.1 — the runtime measures what a purchase costs (`npm start -- --meter`): DynamoDB capacity units per
 * function and table as DynamoDB Local reports them (indexes included), invocations, billed milliseconds, log bytes
 * and events published. `npm run bench` turns these into $ per million purchases.
 */
let runtime: RuntimeProcess;
let key: string;

interface Metrics {
  dynamodb: { callers: Record<string, { writeUnits: number; readUnits: number; calls: number; operations?: Record<string, { units: number; calls: number }> }>; tables: Record<string, { writeUnits: number; indexes: Record<string, number> }> } | null;
  functions: Record<string, { invocations: number; billedMs: number; logBytes: number; memoryMb: number }>;
  eventsPublished: number;
}
const metrics = async () => (await api(runtime.url, 'GET', '/_local/metrics')).body as unknown as Metrics;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ extraArgs: ['--meter'], env: { LOG_LEVEL: 'INFO' } });
  key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'metered', '--json')) as { key: string }).key;
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('metering', () => {
  it("attributes a purchase's capacity, invocations, logs and events to the functions and tables that spent them", async () => {
    expect((await api(runtime.url, 'POST', '/_local/metrics/reset')).status).toBe(200);
    const purchase = await api(runtime.url, 'POST', '/v1/purchases', {
      body: { orderId: 'metered-1', customerId: 'metered-customer', amount: '10.00', currency: 'USD' },
      headers: { 'x-api-key': key },
    });
    expect(purchase.status).toBe(201);
    const used = await eventually(async () => {
      const current = await metrics();
      const settled = (current.functions.loyaltyPurchaseEvents?.invocations ?? 0) >= 1 && (current.functions.trackCustomerActivity?.invocations ?? 0) >= 1 && current.eventsPublished >= 2;
      return settled ? current : undefined;
    });
    const recorded = used.dynamodb?.callers.LOCALFNrecordPurchase;
    // The purchase item and its two index entries; reads and writes are told apart.
    expect(recorded?.writeUnits).toBeGreaterThanOrEqual(3);
    expect(used.dynamodb?.tables['loyalty-loop-local-purchases']?.indexes).toMatchObject({ gsi1: expect.any(Number), gsi2: expect.any(Number) });
    expect(used.dynamodb?.callers.LOCALFNloyaltyPurchaseEvents?.writeUnits).toBeGreaterThan(0);
    expect(used.functions.recordPurchase).toMatchObject({ invocations: 1, memoryMb: 512 });
    expect(used.functions.recordPurchase?.billedMs).toBeGreaterThan(0);
    // A successful request logs nothing of its own at INFO (the access log has it); the consumers' lines are counted
    // against the function that wrote them.
    expect(used.functions.recordPurchase?.logBytes).toBe(0);
    expect(used.functions.loyaltyPurchaseEvents?.logBytes).toBeGreaterThan(0);
    expect(used.functions.trackCustomerActivity?.logBytes).toBeGreaterThan(0);
    // Each transactional write priced as DynamoDB bills it: at least two units for each of the award's items.
    expect(used.dynamodb?.callers.LOCALFNloyaltyPurchaseEvents?.operations?.TransactWriteItems?.units).toBeGreaterThanOrEqual(8);
    // PurchaseRecorded, then the loyalty service's PointsEarned.
    expect(used.eventsPublished).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('starts over on reset', async () => {
    // Once the background work of the purchase above has drained, a reset leaves nothing counted.
    const fresh = await eventually(async () => {
      await api(runtime.url, 'POST', '/_local/metrics/reset');
      await new Promise((resolveWait) => setTimeout(resolveWait, 300));
      const current = await metrics();
      return Object.keys(current.functions).length === 0 ? current : undefined;
    });
    expect(fresh.eventsPublished).toBe(0);
    expect(fresh.functions).toEqual({});
    expect(fresh.dynamodb).toEqual({ callers: {}, tables: {} });
  });
});
