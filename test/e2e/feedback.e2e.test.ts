import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Issue 11's walk-through on the local runtime, under the demo feedback settings (an NPS survey 7 days after a
 * purchase, one ask per customer per 90 days, links valid 14 days): a purchase schedules a request; a second trigger
 * inside the window is dropped with its reason; the test clock passes the 7 days and the schedule sends it; answering
 * 10 through the link emits PromoterIdentified, answering 3 DetractorIdentified and an alert; metrics over 6 promoters,
 * 2 passives and 2 detractors report NPS 40; tokens cannot be reused or guessed.
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

type Entry = { requestId: string; status: string; trigger: string; dueAt: string; throttledReason?: string; answer?: { score: number; category: string } };
type Journal = { event: { detail: { data: Record<string, unknown> } } }[];
const store = () => ({ 'x-api-key': key });
const asMarketer = () => ({ authorization: `Bearer ${marketer}` });
const journal = async (detailType: string) => (await api(runtime.url, 'GET', `/_local/events?detailType=${detailType}&limit=100`)).body.items as Journal;
const feedbackOf = async (customerId: string) => ((await api(runtime.url, 'GET', `/v1/customers/${customerId}/feedback`, { headers: asMarketer() })).body.items ?? []) as Entry[];
const tokenOf = (link: string) => decodeURIComponent(new URL(link).pathname.slice('/s/'.length));
const answer = (token: string, score: number, comment?: string) => api(runtime.url, 'POST', '/v1/surveys/responses', { body: { token, score, ...(comment ? { comment } : {}) } });
const today = () => new Date().toISOString().slice(0, 10);

describe('feedback on the local runtime', () => {
  let purchaseLink: string;

  it('schedules an NPS survey 7 days after a purchase, and drops a second trigger inside the contact window with its reason', async () => {
    const occurredAt = new Date().toISOString();
    expect((await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'fb-o1', customerId: 'fb-1', amount: '30.00', currency: 'USD', occurredAt }, headers: store() })).status).toBe(201);
    const [scheduled] = await eventually(async () => {
      const entries = await feedbackOf('fb-1');
      return entries.length === 1 ? entries : undefined;
    }, 10_000);
    expect(scheduled).toMatchObject({ status: 'scheduled', trigger: 'purchase' });
    expect(Date.parse(scheduled?.dueAt as string) - Date.parse(occurredAt)).toBe(7 * 86_400_000);

    // A second purchase: its trigger is dropped (one ask waits already), and so is a manual ask.
    await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'fb-o2', customerId: 'fb-1', amount: '12.00', currency: 'USD' }, headers: store() });
    await eventually(async () => ((await journal('PurchaseRecorded')).some((item) => item.event.detail.data.orderId === 'fb-o2') ? true : undefined), 10_000);
    const manual = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId: 'fb-1', kind: 'nps' }, headers: store() });
    expect(manual.status).toBe(200);
    expect(manual.body).toMatchObject({ status: 'throttled', reason: expect.stringContaining('scheduled') });
    expect(await feedbackOf('fb-1')).toHaveLength(1);
  });

  it('sends it when the test clock passes its due time and the schedule runs, announcing the link', async () => {
    await runtime.cli('clock', 'advance', '8d');
    marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
    await runtime.cli('schedule', 'run', 'feedback-send-due');
    const [sent] = await feedbackOf('fb-1');
    expect(sent).toMatchObject({ status: 'requested' });
    const requested = await eventually(async () => (await journal('SurveyRequested')).find((item) => item.event.detail.data.customerId === 'fb-1'), 10_000);
    purchaseLink = requested.event.detail.data.link as string;
    expect(purchaseLink).toMatch(new RegExp(`^${runtime.url}/s/sv_`));
    // Inside the 90-day budget now: a manual ask is throttled with the date the budget allows again.
    const again = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId: 'fb-1' }, headers: asMarketer() });
    expect(again.body).toMatchObject({ status: 'throttled', reason: expect.stringContaining('one ask every 90 days') });
  });

  it('turns an answer of 10 through the link into PromoterIdentified, once; the token cannot be reused or guessed', async () => {
    const page = await fetch(purchaseLink);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const token = tokenOf(purchaseLink);
    const answered = await answer(token, 10, 'Lovely mugs');
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ score: 10, category: 'promoter', kind: 'nps' });
    expect((await answer(token, 0)).status).toBe(409);
    const [requestId] = token.split('.');
    expect((await answer(`${requestId}.${'A'.repeat(43)}`, 10)).status).toBe(404);
    expect((await answer('sv_AAAAAAAAAAAAAAAA.not-a-secret', 10)).status).toBe(404);
    expect((await answer('garbage', 10)).status).toBe(404);
    await eventually(async () => ((await journal('PromoterIdentified')).some((item) => item.event.detail.data.customerId === 'fb-1') ? true : undefined), 10_000);
    expect((await feedbackOf('fb-1'))[0]).toMatchObject({ status: 'answered', answer: { score: 10, category: 'promoter' } });
    await runtime.cli('clock', 'reset');
    marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
  });

  it('turns an answer of 3 into DetractorIdentified and an alert for the helpdesk; refuses scores out of range', async () => {
    const asked = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId: 'fb-2', email: 'fb2@example.com', kind: 'nps' }, headers: store() });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'requested', link: expect.stringMatching(/\/s\/sv_/) });
    const token = tokenOf(asked.body.link as string);
    const invalid = await answer(token, 11);
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { pointer: string }[])[0]?.pointer).toBe('/score');
    expect((await answer(token, 3, 'Arrived broken')).body).toMatchObject({ category: 'detractor' });
    const alert = await eventually(async () => (await journal('DetractorAlert')).find((item) => item.event.detail.data.customerId === 'fb-2'), 10_000);
    expect(alert.event.detail.data).toMatchObject({ score: 3, priority: 'urgent', comment: 'Arrived broken', email: 'fb2@example.com' });
    expect((await journal('DetractorIdentified')).some((item) => item.event.detail.data.customerId === 'fb-2')).toBe(true);
  });

  it('reports NPS 40 for 6 promoters, 2 passives and 2 detractors, from counters kept as answers arrive', async () => {
    // With the two answers above (10 and 3): six promoters, two passives, two detractors in all.
    for (const [index, score] of [10, 10, 9, 9, 9, 7, 8, 5].entries()) {
      const asked = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId: `fb-m${index}` }, headers: store() });
      expect((await answer(tokenOf(asked.body.link as string), score)).status).toBe(201);
    }
    const to = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    const metrics = await api(runtime.url, 'GET', `/v1/feedback/metrics?from=${today()}&to=${to}&kind=nps`, { headers: asMarketer() });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({ responses: 10, promoters: 6, passives: 2, detractors: 2, promoterPercent: 60, passivePercent: 20, detractorPercent: 20, nps: 40 });
    expect(metrics.body.requested).toBe(10);
    expect(metrics.body.responseRate).toBe(100);
    expect((metrics.body.daily as { day: string }[]).length).toBeGreaterThanOrEqual(1);
    const backwards = await api(runtime.url, 'GET', `/v1/feedback/metrics?from=${to}&to=${today()}`, { headers: asMarketer() });
    expect(backwards.status).toBe(400);
    expect((await api(runtime.url, 'GET', `/v1/feedback/metrics?from=${today()}&to=${to}`, { headers: store() })).status).toBe(401);
  });

  it('keeps the settings versioned and validated, for marketers only; lets a customer read their own feedback', async () => {
    const current = await api(runtime.url, 'GET', '/v1/feedback-settings', { headers: asMarketer() });
    expect(current.body).toMatchObject({ version: 1, throttleDays: 90, triggers: { afterPurchase: { enabled: true, days: 7 } }, responseBaseUrl: runtime.url });
    const { version: _version, updatedAt: _updatedAt, updatedBy: _updatedBy, ...settings } = current.body;
    const invalid = await api(runtime.url, 'PUT', '/v1/feedback-settings', { body: { ...settings, throttleDays: 45 }, headers: asMarketer() });
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { pointer: string }[])[0]?.pointer).toBe('/throttleDays');
    const saved = await api(runtime.url, 'PUT', '/v1/feedback-settings', { body: { ...settings, throttleDays: 30 }, headers: asMarketer() });
    expect(saved.body).toMatchObject({ version: 2, throttleDays: 30, updatedBy: 'marketer:ana' });
    const customer = (await runtime.cli('token', '--customer', 'fb-2')).trim();
    const own = await api(runtime.url, 'GET', '/v1/customers/fb-2/feedback', { headers: { authorization: `Bearer ${customer}` } });
    expect((own.body.items as Entry[])[0]).toMatchObject({ status: 'answered', answer: { score: 3, category: 'detractor' } });
    expect((await api(runtime.url, 'GET', '/v1/customers/fb-1/feedback', { headers: { authorization: `Bearer ${customer}` } })).status).toBe(403);
  });
});
