import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Issue 3's walk-through on the local runtime: a purchase under the demo program earns pending points within a
 * second; a zero pending period makes them available; a redemption returns a coupon; a full refund reverses the
 * order; the test clock and the expiry schedule expire points; the ledger explains every number.
 */
let runtime: RuntimeProcess;
let key: string;
let marketer: string;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'shop', '--json')) as { key: string }).key;
  marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
});

const store = () => ({ 'x-api-key': key });
const asMarketer = () => ({ authorization: `Bearer ${marketer}` });
const loyaltyOf = async (customerId: string) => (await api(runtime.url, 'GET', `/v1/customers/${customerId}/loyalty`, { headers: store() })).body;

describe('loyalty on the local runtime', () => {
  it('shows a 100.00 USD purchase as pending points under the demo program, explained in the ledger', async () => {
    expect((await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'l-1', customerId: 'lc-1', amount: '100.00', currency: 'USD' }, headers: store() })).status).toBe(201);
    const view = await eventually(async () => {
      const body = await loyaltyOf('lc-1');
      return body.pending === 150 ? body : undefined;
    }, 5_000);
    expect(view).toMatchObject({ available: 0, pending: 150, lifetimeEarned: 150, tier: { name: 'Bronze' }, nextTier: { name: 'Silver', remainingSpend: '400.00' } });
    const ledger = await api(runtime.url, 'GET', '/v1/customers/lc-1/ledger', { headers: store() });
    expect((ledger.body.items as { type: string; points: number }[]).map((entry) => [entry.type, entry.points])).toEqual([
      ['bonus', 50],
      ['earn', 100],
    ]);
  });

  it('lets marketers change the program (versioned) and rejects others', async () => {
    const current = await api(runtime.url, 'GET', '/v1/program', { headers: asMarketer() });
    expect(current.status).toBe(200);
    const { version: _version, updatedAt: _updatedAt, updatedBy: _updatedBy, ...program } = current.body;
    const saved = await api(runtime.url, 'PUT', '/v1/program', { body: { ...program, pendingDays: 0 }, headers: asMarketer() });
    expect(saved.body).toMatchObject({ version: (current.body.version as number) + 1, pendingDays: 0, updatedBy: 'marketer:ana' });
    const invalid = await api(runtime.url, 'PUT', '/v1/program', { body: { ...program, tiers: [] }, headers: asMarketer() });
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { pointer: string }[])[0]?.pointer).toBe('/tiers');
    const customerToken = (await runtime.cli('token', '--customer', 'lc-1')).trim();
    expect((await api(runtime.url, 'GET', '/v1/program', { headers: { authorization: `Bearer ${customerToken}` } })).status).toBe(403);
    expect((await api(runtime.url, 'GET', '/v1/program', { headers: store() })).status).toBe(401);
  });

  it('makes points available at once with a zero pending period, then redeems them for a coupon used once', async () => {
    await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'l-2', customerId: 'lc-2', amount: '100.00', currency: 'USD' }, headers: store() });
    await eventually(async () => ((await loyaltyOf('lc-2')).available === 150 ? true : undefined), 5_000);
    const reward = await api(runtime.url, 'POST', '/v1/rewards', {
      body: { rewardId: 'ten-off', name: '$10 off', costPoints: 100, type: { kind: 'fixed_discount', amount: '10.00', currency: 'USD' }, stock: 3 },
      headers: asMarketer(),
    });
    expect(reward.status).toBe(201);
    const redeem = () =>
      api(runtime.url, 'POST', '/v1/customers/lc-2/redemptions', { body: { rewardId: 'ten-off' }, headers: { ...store(), 'idempotency-key': 'first' } });
    const redemption = await redeem();
    expect(redemption.status).toBe(201);
    expect(redemption.body).toMatchObject({ pointsSpent: 100, balance: { available: 50, pending: 0 }, couponCode: expect.stringMatching(/^LL-/) });
    expect((await redeem()).body.couponCode).toBe(redemption.body.couponCode);
    const missingKey = await api(runtime.url, 'POST', '/v1/customers/lc-2/redemptions', { body: { rewardId: 'ten-off' }, headers: store() });
    expect(missingKey.status).toBe(400);
    const broke = await api(runtime.url, 'POST', '/v1/customers/lc-2/redemptions', { body: { rewardId: 'ten-off' }, headers: { ...store(), 'idempotency-key': 'second' } });
    expect(broke.status).toBe(409);
    expect(broke.body.type).toBe('urn:loyalty-loop:problem:insufficient-points');

    const code = redemption.body.couponCode as string;
    expect((await api(runtime.url, 'POST', `/v1/coupons/${code}/consume`, { headers: store() })).status).toBe(200);
    expect((await api(runtime.url, 'POST', `/v1/coupons/${code}/consume`, { headers: store() })).status).toBe(409);
    expect((await api(runtime.url, 'POST', '/v1/coupons/LL-0000-0000-0000-0000/consume', { headers: store() })).status).toBe(404);
    const cancel = await api(runtime.url, 'POST', `/v1/redemptions/${redemption.body.redemptionId as string}/cancel`, { headers: asMarketer() });
    expect(cancel.status).toBe(409);
    const listed = await api(runtime.url, 'GET', '/v1/customers/lc-2/redemptions', { headers: store() });
    expect((listed.body.items as { status: string }[])[0]?.status).toBe('used');
  });

  it('reverses a fully refunded order\'s points', async () => {
    await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'l-3', customerId: 'lc-3', amount: '40.00', currency: 'USD' }, headers: store() });
    await eventually(async () => ((await loyaltyOf('lc-3')).available === 90 ? true : undefined), 5_000);
    await api(runtime.url, 'POST', '/v1/purchases/l-3/refunds', { body: { refundId: 'r-1', amount: '40.00' }, headers: store() });
    await eventually(async () => ((await loyaltyOf('lc-3')).available === 0 ? true : undefined), 5_000);
    const ledger = await api(runtime.url, 'GET', '/v1/customers/lc-3/ledger', { headers: store() });
    expect((ledger.body.items as { type: string; points: number }[])[0]).toMatchObject({ type: 'reverse', points: -90 });
  });

  it('expires points after the test clock passes their expiry and the expiry schedule runs', async () => {
    expect(await runtime.cli('schedule', 'list')).toContain('loyalty-expire-points');
    await runtime.cli('clock', 'advance', '400d');
    await runtime.cli('schedule', 'run', 'loyalty-expiry-reminders');
    await runtime.cli('schedule', 'run', 'loyalty-expire-points');
    const view = await eventually(async () => {
      const body = await loyaltyOf('lc-2');
      return body.expired === 50 ? body : undefined;
    }, 10_000);
    expect(view).toMatchObject({ available: 0, expired: 50 });
    expect(await runtime.cli('clock', 'show')).toMatch(/real time \+/);
    expect(await runtime.cli('clock', 'set', '2030-01-01T00:00:00Z')).toMatch(/^2030-01-01T00:00:0\d/);
    expect((await api(runtime.url, 'GET', '/v1/health')).body.time).toMatch(/^2030-01-01/);
    await runtime.cli('clock', 'reset');
    expect(await runtime.cli('clock', 'show')).toContain('(real time)');
    expect(await runtime.cli('events', '--detail-type', 'PointsExpired')).toContain('PointsExpired');
  });
});
