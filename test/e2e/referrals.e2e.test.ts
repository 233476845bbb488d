import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Issue 10's walk-through on the local runtime, under the demo referral program (14-day hold, 20.00 USD minimum,
 * 500 points for the advocate, 200 welcome points for the friend at the first purchase, at most 3 referred first
 * purchases per network a day): a code and its link; a friend's purchase makes the referral pending and gives the
 * welcome offer; the same purchase event five times over changes nothing more; a refund during the hold rejects;
 * a self-referral by a Gmail alias is rejected; a burst from one network is flagged and approved by a marketer; the
 * test clock passes the hold, the schedule rewards, and the advocate's ledger shows one `referral` entry per referral.
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

type Referral = { referralId: string; refereeCustomerId: string; status: string; rejection?: { reason: string; rule?: string }; flags: { rule: string }[] };
type Entry = { type: string; points: number; source: { kind: string; id?: string } };

const store = () => ({ 'x-api-key': key });
const asMarketer = () => ({ authorization: `Bearer ${marketer}` });
const purchase = (orderId: string, customerId: string, amount: string, extra: Record<string, unknown> = {}) =>
  api(runtime.url, 'POST', '/v1/purchases', { body: { orderId, customerId, amount, currency: 'USD', ...extra }, headers: store() });
const referralsWith = async (status: string) => ((await api(runtime.url, 'GET', `/v1/referrals?status=${status}&limit=100`, { headers: asMarketer() })).body.items ?? []) as Referral[];
const referralOf = async (customerId: string, status: string) => (await referralsWith(status)).find((referral) => referral.refereeCustomerId === customerId);
const ledgerOf = async (customerId: string) => ((await api(runtime.url, 'GET', `/v1/customers/${customerId}/ledger?limit=100`, { headers: store() })).body.items ?? []) as Entry[];
type Journal = { event: { detail: { data: { orderId: string } } }; deliveries: { function: string; status: string }[] }[];
const journal = async (detailType: string) => (await api(runtime.url, 'GET', `/_local/events?detailType=${detailType}&limit=100`)).body.items as Journal;
const referralEntries = async (customerId: string) => (await ledgerOf(customerId)).filter((entry) => entry.type === 'referral');

let code: string;

describe('referrals on the local runtime', () => {
  it('gives a customer one code and a share link, idempotently, to the customer, a storefront and a marketer', async () => {
    const created = await api(runtime.url, 'POST', '/v1/customers/anna/referral-code', { body: { name: 'Anna', email: 'annasmith@gmail.com' }, headers: store() });
    expect(created.status).toBe(201);
    code = created.body.code as string;
    expect(code).toMatch(/^ANNA-[2-9A-HJKMNP-Z]{4}$/);
    expect(created.body.link).toBe(`${runtime.url}/r/${code}`);
    const anna = (await runtime.cli('token', '--customer', 'anna')).trim();
    const again = await api(runtime.url, 'POST', '/v1/customers/anna/referral-code', { body: {}, headers: { authorization: `Bearer ${anna}` } });
    expect([again.status, again.body.code]).toEqual([200, code]);
    expect((await api(runtime.url, 'GET', '/v1/customers/anna/referral-code', { headers: asMarketer() })).body).toMatchObject({ code, status: 'active', stats: { clicks: 0, referred: 0 } });
    const someoneElse = (await runtime.cli('token', '--customer', 'ben')).trim();
    expect((await api(runtime.url, 'GET', '/v1/customers/anna/referral-code', { headers: { authorization: `Bearer ${someoneElse}` } })).status).toBe(403);
    expect((await api(runtime.url, 'GET', '/v1/customers/nobody/referral-code', { headers: store() })).status).toBe(404);
  });

  it('counts a click and redirects to the landing page with ?ref, and sends unknown codes there without it', async () => {
    const followed = await fetch(`${runtime.url}/r/${code.toLowerCase()}`, { redirect: 'manual' });
    expect([followed.status, followed.headers.get('location')]).toEqual([302, `https://shop.example.com/?ref=${code}`]);
    const unknown = await fetch(`${runtime.url}/r/NOPE-2222`, { redirect: 'manual' });
    expect([unknown.status, unknown.headers.get('location')]).toEqual([302, 'https://shop.example.com/']);
    expect((await api(runtime.url, 'GET', '/v1/customers/anna/referral-code', { headers: store() })).body).toMatchObject({ stats: { clicks: 1 } });
  });

  it("makes a friend's first purchase with the code pending and gives the friend the welcome offer, once for five concurrent deliveries", async () => {
    expect((await purchase('ref-ben-1', 'ben', '50.00', { email: 'ben@example.com', referralCode: code.toLowerCase() })).status).toBe(201);
    const pending = await eventually(() => referralOf('ben', 'pending'), 10_000);
    expect(pending).toMatchObject({ status: 'pending', flags: [] });
    const welcome = await eventually(async () => {
      const entries = await referralEntries('ben');
      return entries.length === 1 ? entries : undefined;
    }, 10_000);
    expect(welcome[0]).toMatchObject({ points: 200, source: { kind: 'referral', id: pending.referralId } });

    const original = (await journal('PurchaseRecorded')).find((candidate) => candidate.event.detail.data.orderId === 'ref-ben-1');
    expect(original).toBeDefined();
    const entry = { Source: 'loyalty-loop.purchases', DetailType: 'PurchaseRecorded', Detail: JSON.stringify(original?.event.detail), EventBusName: 'loyalty-loop-local' };
    const response = await fetch(runtime.eventBridgeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: [entry, entry, entry, entry, entry] }),
    });
    expect(((await response.json()) as { FailedEntryCount: number }).FailedEntryCount).toBe(0);
    await eventually(async () => {
      const copies = (await journal('PurchaseRecorded')).filter((candidate) => candidate.event.detail.data.orderId === 'ref-ben-1');
      return copies.length === 6 && copies.every((copy) => copy.deliveries.filter((delivery) => delivery.function === 'referralPurchaseEvents').every((delivery) => delivery.status === 'delivered')) ? true : undefined;
    }, 15_000);
    const detail = await api(runtime.url, 'GET', `/v1/referrals/${pending.referralId}`, { headers: asMarketer() });
    expect((detail.body.history as { event: string }[]).map((step) => step.event)).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralWelcomeOffered']);
    expect((await referralsWith('pending')).filter((referral) => referral.refereeCustomerId === 'ben')).toHaveLength(1);
    expect(await referralEntries('ben')).toHaveLength(1);
    expect((await api(runtime.url, 'GET', '/v1/customers/anna/referral-code', { headers: store() })).body).toMatchObject({ stats: { referred: 1, pending: 1, pendingRewardPoints: 500 } });
  });

  it('rejects the referral when the qualifying purchase is refunded during the hold', async () => {
    await purchase('ref-cara-1', 'cara', '40.00', { referralCode: code });
    await eventually(() => referralOf('cara', 'pending'), 10_000);
    expect((await api(runtime.url, 'POST', '/v1/purchases/ref-cara-1/refunds', { body: { refundId: 'cara-r1', amount: '40.00' }, headers: store() })).status).toBe(201);
    const rejected = await eventually(() => referralOf('cara', 'rejected'), 10_000);
    expect(rejected.rejection).toMatchObject({ reason: 'refunded', rule: 'refund' });
  });

  it('rejects a self-referral by a Gmail alias of the advocate (Anna.Smith+x@gmail.com against annasmith@gmail.com)', async () => {
    await purchase('ref-alt-1', 'anna-second-account', '60.00', { email: 'Anna.Smith+x@gmail.com', referralCode: code });
    const rejected = await eventually(() => referralOf('anna-second-account', 'rejected'), 10_000);
    expect(rejected.rejection).toMatchObject({ reason: 'self_referral', rule: 'selfReferral' });
    expect(await referralEntries('anna-second-account')).toEqual([]);
  });

  it('flags the fourth referred first purchase from one network today, and lets a marketer approve it from the review queue', async () => {
    for (const friend of ['net-1', 'net-2', 'net-3', 'net-4']) {
      const signup = await api(runtime.url, 'POST', '/v1/referrals', { body: { code, refereeCustomerId: friend, ip: '203.0.113.7', userAgent: 'Mozilla/5.0' }, headers: store() });
      expect([signup.status, signup.body.status]).toEqual([201, 'attributed']);
    }
    const repeated = await api(runtime.url, 'POST', '/v1/referrals', { body: { code, refereeCustomerId: 'net-1', ip: '203.0.113.7' }, headers: store() });
    expect(repeated.status).toBe(200);
    for (const [index, friend] of ['net-1', 'net-2', 'net-3', 'net-4'].entries()) {
      await purchase(`ref-net-${index + 1}`, friend, '25.00', { email: `${friend}@example.com` });
      // One after the other: the network counter orders them (which of the four is flagged is then certain).
      await eventually(async () => (await referralOf(friend, 'pending')) ?? (await referralOf(friend, 'flagged')), 10_000);
    }
    const queue = await referralsWith('flagged');
    expect(queue.map((referral) => referral.refereeCustomerId)).toEqual(['net-4']);
    expect(queue[0]?.flags).toEqual([expect.objectContaining({ rule: 'ipVelocity' })]);
    // Review is a marketer's decision: a storefront key is not even a credential for it.
    expect((await api(runtime.url, 'POST', `/v1/referrals/${queue[0]?.referralId}/approve`, { headers: store() })).status).toBe(401);
    const approved = await api(runtime.url, 'POST', `/v1/referrals/${queue[0]?.referralId}/approve`, { headers: asMarketer() });
    expect([approved.status, approved.body.status]).toEqual([200, 'pending']);
    expect((await api(runtime.url, 'POST', `/v1/referrals/${queue[0]?.referralId}/approve`, { headers: asMarketer() })).status).toBe(409);
  });

  it('rewards the advocate once per qualified referral after the test clock passes the hold and the schedule runs', async () => {
    await runtime.cli('clock', 'advance', '15d');
    // Tokens minted before the jump have expired on the test clock.
    marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
    await runtime.cli('schedule', 'run', 'referrals-settle');
    await runtime.cli('schedule', 'run', 'referrals-settle');
    const rewarded = await eventually(async () => {
      const entries = await referralEntries('anna');
      return entries.length === 5 ? entries : undefined;
    }, 15_000);
    expect(rewarded.every((entry) => entry.points === 500)).toBe(true);
    const referred = (await referralsWith('rewarded')).map((referral) => referral.refereeCustomerId).sort();
    expect(referred).toEqual(['ben', 'net-1', 'net-2', 'net-3', 'net-4']);
    expect(new Set(rewarded.map((entry) => entry.source.id)).size).toBe(5);
    expect((await api(runtime.url, 'GET', '/v1/customers/anna/referral-code', { headers: store() })).body).toMatchObject({
      stats: { referred: 7, pending: 0, flagged: 0, qualified: 5, rewarded: 5, rejected: 2, pendingRewardPoints: 0 },
    });
    expect(await journal('ReferralRewarded')).toHaveLength(5);
    await runtime.cli('clock', 'reset');
    marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
  });

  it('lets a marketer rotate and block codes: neither the old nor the blocked code attributes again', async () => {
    const yara = await api(runtime.url, 'POST', '/v1/customers/yara/referral-code', { body: { name: 'Yara' }, headers: store() });
    const original = yara.body.code as string;
    const rotated = await api(runtime.url, 'POST', `/v1/referral-codes/${original}/rotate`, { headers: asMarketer() });
    expect(rotated.body).toMatchObject({ previousCode: original, status: 'active', customerId: 'yara' });
    const current = rotated.body.code as string;
    expect(current).toMatch(/^YARA-[2-9A-HJKMNP-Z]{4}$/);
    expect(current).not.toBe(original);
    expect((await api(runtime.url, 'POST', `/v1/referral-codes/${original}/rotate`, { headers: asMarketer() })).status).toBe(409);
    expect((await fetch(`${runtime.url}/r/${original}`, { redirect: 'manual' })).headers.get('location')).toBe('https://shop.example.com/');

    const blocked = await api(runtime.url, 'POST', `/v1/referral-codes/${current}/block`, { body: { reason: 'posted on a coupon site' }, headers: asMarketer() });
    expect(blocked.body).toMatchObject({ code: current, status: 'blocked', reason: 'posted on a coupon site', changedBy: 'marketer:ana' });
    expect((await api(runtime.url, 'POST', `/v1/referral-codes/${current}/block`, { body: { reason: 'again' }, headers: asMarketer() })).status).toBe(409);
    expect((await api(runtime.url, 'POST', '/v1/referral-codes/NOPE-2222/block', { body: { reason: 'x' }, headers: asMarketer() })).status).toBe(404);

    // Purchases with the rotated and the blocked code are recorded as usual and attribute nobody.
    await purchase('ref-yara-old', 'yara-friend-1', '30.00', { referralCode: original });
    await purchase('ref-yara-blocked', 'yara-friend-2', '30.00', { referralCode: current });
    await eventually(async () => {
      const deliveries = (await journal('PurchaseRecorded')).filter((item) => ['ref-yara-old', 'ref-yara-blocked'].includes(item.event.detail.data.orderId));
      return deliveries.length === 2 && deliveries.every((item) => item.deliveries.some((delivery) => delivery.function === 'referralPurchaseEvents' && delivery.status === 'delivered')) ? true : undefined;
    }, 10_000);
    const listed = await api(runtime.url, 'GET', '/v1/referrals?advocateCustomerId=yara', { headers: asMarketer() });
    expect(listed.body.items).toEqual([]);
    // A blocked code is the code's end, not the advocate's: they may get a new one.
    const fresh = await api(runtime.url, 'POST', '/v1/customers/yara/referral-code', { body: {}, headers: store() });
    expect(fresh.status).toBe(201);
    expect([original, current]).not.toContain(fresh.body.code);
  });

  it('lets a marketer ban an advocate: their open referrals are rejected and they get no new code', async () => {
    const zed = await api(runtime.url, 'POST', '/v1/customers/zed/referral-code', { body: {}, headers: store() });
    expect(zed.body.code).toMatch(/^FRIEND-[2-9A-HJKMNP-Z]{6}$/);
    await api(runtime.url, 'POST', '/v1/referrals', { body: { code: zed.body.code, refereeCustomerId: 'zed-friend' }, headers: store() });
    const ban = await api(runtime.url, 'POST', '/v1/referral-advocates/zed/ban', { body: { reason: 'coupon site' }, headers: asMarketer() });
    expect(ban.body).toEqual({ customerId: 'zed', banned: true, voided: 1, remaining: false });
    expect((await referralOf('zed-friend', 'rejected'))?.rejection).toMatchObject({ reason: 'advocate_banned' });
    expect((await api(runtime.url, 'POST', '/v1/customers/zed/referral-code', { body: {}, headers: store() })).status).toBe(403);
    const blocked = await api(runtime.url, 'POST', '/v1/referrals', { body: { code: zed.body.code, refereeCustomerId: 'zed-friend-2' }, headers: store() });
    expect(blocked.status).toBe(422);
    expect(blocked.body.errors).toEqual([expect.objectContaining({ pointer: '/code' })]);
  });

  it('keeps the referral program versioned, editable by marketers only, with errors naming the field', async () => {
    const current = await api(runtime.url, 'GET', '/v1/referral-program', { headers: asMarketer() });
    expect(current.body).toMatchObject({ version: 1, holdDays: 14, advocateReward: { kind: 'points', points: 500 } });
    const { version: _version, updatedAt: _updatedAt, updatedBy: _updatedBy, ...program } = current.body;
    const saved = await api(runtime.url, 'PUT', '/v1/referral-program', { body: { ...program, holdDays: 30 }, headers: asMarketer() });
    expect(saved.body).toMatchObject({ version: 2, holdDays: 30, updatedBy: 'marketer:ana' });
    const invalid = await api(runtime.url, 'PUT', '/v1/referral-program', { body: { ...program, landingUrl: 'http://shop.example.com/' }, headers: asMarketer() });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect((invalid.body.errors as { pointer: string }[])[0]?.pointer).toBe('/landingUrl');
    expect((await api(runtime.url, 'GET', '/v1/referral-program', { headers: store() })).status).toBe(401);
  });

  it("includes referrals in the customer's export", async () => {
    const exported = await api(runtime.url, 'GET', '/v1/customers/anna/export', { headers: asMarketer() });
    expect(exported.status).toBe(200);
    expect(exported.body.referrals).toMatchObject({ advocate: { activeCode: code, stats: { rewarded: 5 } }, codes: [expect.objectContaining({ code })] });
    expect(JSON.stringify(exported.body)).not.toContain('Hash');
  });
});
