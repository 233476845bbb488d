import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * The console's Feedback and Integrations pages on the local runtime, in Chromium. Feedback: the NPS of the answers
 * this file makes (with its weekly trend drawn and tabled), the detractor's comment in the follow-up list, every answer
 * in the responses. Integrations: a webhook endpoint created at a receiver on 127.0.0.1 (its secret shown once), the
 * delivery a purchase's PointsEarned makes, replayed (the same webhook-id, signed anew), the secret rotated (shown once
 * again, and what signs the next delivery), the endpoint deleted behind a confirmation; and how keys are made. No
 * console error (a CSP violation is one), no request but to the runtime.
 *
 * Chromium is /usr/bin/chromium; without it the tier is skipped. BROWSER_SCREENSHOTS=<dir> keeps the screenshots
 * (docs/screenshots/console-feedback.png and console-integrations.png are written with BROWSER_SCREENSHOTS=docs/screenshots).
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Browser tier skipped: ${CHROMIUM} is missing. Install Debian's Chromium with \`apt-get install chromium\` (.ci/run does).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const DETRACTOR = `ci-${RUN}-dora`;
const COMPLAINT = 'The parcel came a week late and nobody answered my emails.';
/** Three promoters and a detractor: NPS (3 − 1) / 4 = 50. */
const ANSWERS: readonly { customerId: string; score: number; comment?: string }[] = [
  { customerId: `ci-${RUN}-pam`, score: 10 },
  { customerId: `ci-${RUN}-pete`, score: 9, comment: 'Quick and friendly.' },
  { customerId: `ci-${RUN}-poppy`, score: 10 },
  { customerId: DETRACTOR, score: 3, comment: COMPLAINT },
];

describeInBrowser('the console: Feedback and Integrations, in Chromium', () => {
  let runtime: RuntimeProcess;
  let key: string;
  let browser: Browser;
  let page: Page;
  let screenshots: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const problems: string[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'shop', '--json')) as { key: string }).key;
    for (const answer of ANSWERS) {
      const asked = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId: answer.customerId, kind: 'nps' }, headers: { 'x-api-key': key } });
      expect(asked.status).toBe(201);
      const token = decodeURIComponent(new URL(asked.body.link as string).pathname.split('/').pop() as string);
      expect((await api(runtime.url, 'POST', '/v1/surveys/responses', { body: { token, score: answer.score, ...(answer.comment ? { comment: answer.comment } : {}) } })).status).toBe(201);
    }
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    screenshots = process.env.BROWSER_SCREENSHOTS ? resolve(process.env.BROWSER_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'console-'));
    await mkdir(screenshots, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    // Only the runtime's origin goes through: anything else is refused and recorded.
    await context.route('**/*', async (route) => {
      if (new URL(route.request().url()).origin !== runtime.url) {
        refused.push(route.request().url());
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${runtime.url}/console/`);
    await page.getByLabel('Your name').fill('Ines Integrator');
    await page.getByLabel('Your name').press('Enter');
    await page.getByText('Signed in as').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    receiver?.closeAllConnections();
    await new Promise((done) => (receiver ? receiver.close(done) : done(undefined)));
    await runtime?.stop();
  });

  it("shows the answers' NPS with its weekly trend, the detractor's comment to follow up, and every response", async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Feedback' }).click();
    await page.getByRole('heading', { name: 'Feedback', level: 1 }).waitFor();
    const summary = page.getByTestId('nps-summary');
    await summary.waitFor();
    expect(await summary.getByRole('row', { name: /^NPS/ }).getByRole('cell').textContent()).toBe('50');
    expect(await summary.getByRole('row', { name: /^Responses/ }).getByRole('cell').textContent()).toBe('4');
    // The chart (this week's bar), and the same numbers in the table: twelve weeks, this one with the answers.
    expect(await page.getByRole('img', { name: /NPS per week/ }).count()).toBe(1);
    const weeks = page.getByTestId('nps-trend-table').locator('tbody tr');
    expect(await weeks.count()).toBe(12);
    expect(await weeks.last().locator('td').allTextContents()).toEqual([expect.stringMatching(/^w\/c \d{4}-\d{2}-\d{2}$/), '4', '3', '0', '1', '50']);

    const followUps = page.getByRole('list', { name: 'Detractors to follow up' });
    const detractor = followUps.getByRole('listitem').filter({ hasText: DETRACTOR });
    await detractor.waitFor();
    expect(await followUps.getByRole('listitem').count()).toBe(1);
    await detractor.getByText(COMPLAINT).waitFor();
    expect(await detractor.getByRole('link', { name: DETRACTOR }).getAttribute('href')).toBe(`#/customers/${DETRACTOR}`);

    const responses = page.getByRole('table', { name: 'NPS responses, newest first' });
    await responses.waitFor();
    // Newest first: the detractor answered last.
    expect(await responses.locator('tbody tr').count()).toBe(4);
    expect(await responses.locator('tbody tr').first().getByRole('cell').allTextContents()).toEqual([expect.any(String), DETRACTOR, '3', 'detractor', COMPLAINT]);
    await page.getByLabel('Category').selectOption('promoter');
    await eventually(async () => ((await responses.locator('tbody tr').count()) === 3 ? true : undefined), 5_000);
    await page.getByLabel('Category').selectOption('');
    await eventually(async () => ((await responses.locator('tbody tr').count()) === 4 ? true : undefined), 5_000);
    await page.screenshot({ path: join(screenshots, 'console-feedback.png'), fullPage: true });
  }, 30_000);

  it('creates an endpoint (its secret shown once), sees and replays a delivery, rotates the secret and deletes the endpoint', async () => {
    const marketer = (await runtime.cli('token', '--marketer', 'check')).trim();
    const asMarketer = { authorization: `Bearer ${marketer}` };
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Integrations' }).click();
    await page.getByText('No webhook endpoints yet.').waitFor();
    // How keys are made: the CLI, as it is.
    await page.getByRole('region', { name: 'Storefront API keys' }).getByText('npx loyalty keys create --store <storeId>', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'New endpoint' }).click();
    const form = page.getByRole('form', { name: 'New endpoint' });
    const url = `${receiverUrl}/crm`;
    await form.getByLabel('URL').fill(url);
    await form.getByLabel('Description (optional)').fill('Our CRM');
    await form.getByLabel('PointsEarned').check();
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    const once = page.getByTestId('secret-once');
    await once.waitFor();
    const secret = (await once.getByTestId('secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    const [endpoint] = (await api(runtime.url, 'GET', '/v1/webhook-endpoints', { headers: asMarketer })).body.items as { endpointId: string; url: string }[];
    expect(endpoint?.url).toBe(url);
    await once.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect(await page.getByText(secret.slice(6)).count()).toBe(0);

    // An event for it: a purchase's PointsEarned, delivered to the receiver and signed with the secret shown.
    expect((await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: `ci-${RUN}-1`, customerId: `ci-${RUN}-buyer`, amount: '40.00', currency: 'USD' }, headers: { 'x-api-key': key } })).status).toBe(201);
    const first = await eventually(async () => received[0], 15_000);
    const verify = (with_: string, request: { headers: IncomingHttpHeaders; body: string }) =>
      new Webhook(with_).verify(request.body, { 'webhook-id': String(request.headers['webhook-id']), 'webhook-timestamp': String(request.headers['webhook-timestamp']), 'webhook-signature': String(request.headers['webhook-signature']) });
    expect(verify(secret, first)).toMatchObject({ type: 'PointsEarned' });

    const detail = page.getByRole('region', { name: `Endpoint ${url}` });
    const deliveries = detail.getByRole('table', { name: 'Deliveries, newest first' });
    const row = deliveries.locator('tbody tr').filter({ hasText: 'PointsEarned' });
    await eventually(async () => {
      await detail.getByRole('button', { name: 'Refresh deliveries' }).click();
      return (await row.filter({ hasText: 'succeeded' }).count()) === 1 ? true : undefined;
    }, 10_000);
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('1');
    await row.getByRole('button', { name: /^Replay PointsEarned/ }).click();
    await detail.getByText(/replayed: succeeded, 2 attempts\./).waitFor();
    await eventually(async () => ((await row.getByRole('cell').nth(3).textContent()) === '2' ? true : undefined), 5_000);
    expect(received).toHaveLength(2);
    expect(received[1]?.headers['webhook-id']).toBe(first.headers['webhook-id']);
    // The range replay: nothing failed since yesterday, so nothing is scheduled.
    await detail.getByRole('button', { name: 'Replay failed' }).click();
    await detail.getByText(/^0 failed deliveries since .* scheduled again/).waitFor();
    await page.screenshot({ path: join(screenshots, 'console-integrations.png'), fullPage: true });

    await detail.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByTestId('secret-once').getByRole('heading', { name: /\(rotated\)$/ }).waitFor();
    const rotated = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    // The next replay is signed with the new secret (and the old one, for the overlap).
    await row.getByRole('button', { name: /^Replay PointsEarned/ }).click();
    const third = await eventually(async () => received[2], 10_000);
    expect(verify(rotated, third)).toMatchObject({ type: 'PointsEarned' });

    await detail.getByRole('button', { name: 'Delete endpoint…' }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete the endpoint ${url}?` });
    await confirm.getByRole('button', { name: `Delete ${url}` }).click();
    await page.getByText(`${url} deleted.`).waitFor();
    await page.getByText('No webhook endpoints yet.').waitFor();
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect((await api(runtime.url, 'GET', '/v1/webhook-endpoints', { headers: asMarketer })).body.items).toEqual([]);
  }, 60_000);

  it('had no console error (a CSP violation is one) and sent no request but to the runtime', () => {
    expect(problems).toEqual([]);
    expect(refused).toEqual([]);
  });
});
