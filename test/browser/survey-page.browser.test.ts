import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ENGLISH } from '../../functions/feedback/domain/page';
import { api, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * The survey response page in a real browser (Debian's Chromium driven by playwright-core) against the local
 * runtime: a survey link opened, answered with the keyboard alone under the page's own Content-Security-Policy, the
 * answer visible through the API, the link answered once, and the page in the browser's language.
 *
 * Chromium is /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Without it the tier is skipped,
 * never failed. BROWSER_SCREENSHOTS=<dir> keeps the screenshot there (default: a fresh temporary directory).
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Browser tier skipped: ${CHROMIUM} is missing. Install Debian's Chromium with \`apt-get install chromium\` (.ci/run does).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

const GERMAN = { question: 'Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?', low: 'Unwahrscheinlich', high: 'Äußerst wahrscheinlich', commentLabel: 'Möchten Sie noch etwas sagen?', submit: 'Senden', thanks: 'Vielen Dank!' };

let runtime: RuntimeProcess;
let browser: Browser;
let key: string;
let marketer: string;

const store = () => ({ 'x-api-key': key });
const asMarketer = () => ({ authorization: `Bearer ${marketer}` });
const tokenOf = (link: string) => decodeURIComponent(new URL(link).pathname.split('/').pop() as string);

async function ask(customerId: string): Promise<string> {
  const created = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId, kind: 'nps' }, headers: store() });
  expect([created.status, created.body.status]).toEqual([201, 'requested']);
  const link = created.body.link as string;
  expect(link.startsWith(`${runtime.url}/s/`)).toBe(true);
  return link;
}

/** Every console error and uncaught exception of a page: a Content-Security-Policy violation is one. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

describeInBrowser('the survey page in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let link: string;

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'shop', '--json')) as { key: string }).key;
    marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
    const saved = await api(runtime.url, 'PUT', '/v1/feedback-settings', {
      body: { responseBaseUrl: runtime.url, triggers: { afterPurchase: { enabled: false, days: 7 }, tierUpgrade: { enabled: false } }, strings: { de: GERMAN } },
      headers: asMarketer(),
    });
    expect(saved.status).toBe(200);
    // launch() gives the browser a fresh, empty profile (user-data dir) of its own, removed when it closes.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 720, height: 560 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('opens a survey link as an HTML page with its security headers', async () => {
    link = await ask('browser-1');
    page = await context.newPage();
    problems = watch(page);
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    expect(headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*';/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.title()).toBe(ENGLISH.question);
  });

  it('is operable by keyboard alone: the question labels a group of 0–10 radios, the comment box and button are labelled', async () => {
    const group = page.getByRole('group', { name: ENGLISH.question });
    expect(await group.getByRole('radio').count()).toBe(11);
    expect(await group.getByText(`0: ${ENGLISH.low}`).isVisible()).toBe(true);
    expect(await group.getByText(`10: ${ENGLISH.high}`).isVisible()).toBe(true);
    expect(await page.getByLabel(ENGLISH.commentLabel).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: ENGLISH.submit }).isVisible()).toBe(true);
    expect(await page.getByRole('status').textContent()).toBe('');

    // Which element has the focus, as 'input:<value>' for a radio (the test compiles without the DOM's types: a string).
    const focused = () => page.evaluate<string>("(({ tagName, type, value }) => tagName.toLowerCase() + (type === 'radio' ? ':' + value : ''))(document.activeElement)");
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:0');
    for (let step = 0; step < 10; step += 1) await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('input:10');
    const ten = page.getByRole('radio', { name: '10', exact: true });
    expect(await ten.isChecked()).toBe(true);
    expect(await ten.getAttribute('aria-describedby')).toBe('high');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('textarea');
    await page.keyboard.type('Fast delivery & friendly <support>');
    expect(await page.getByLabel(ENGLISH.commentLabel).inputValue()).toBe('Fast delivery & friendly <support>');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('button');

    const directory = process.env.BROWSER_SCREENSHOTS ? resolve(process.env.BROWSER_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'survey-page-'));
    await mkdir(directory, { recursive: true });
    await page.screenshot({ path: join(directory, 'survey-page.png'), fullPage: true });
  });

  it('sends the answer and shows the thanks text in the status region, under its CSP with no violation', async () => {
    // A second tab on the same link, still showing the form: it answers after the first one below.
    const second = await context.newPage();
    const secondProblems = watch(second);
    await second.goto(link);

    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText(ENGLISH.thanks, { exact: true }).waitFor({ timeout: 10_000 });
    // The form is gone (hidden, so out of the accessibility tree too); the status region stays.
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(await page.locator('form').isHidden()).toBe(true);

    // The answer is there, classified: a 10 is a promoter.
    const listed = await api(runtime.url, 'GET', '/v1/customers/browser-1/feedback', { headers: asMarketer() });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ kind: 'nps', status: 'answered', answer: expect.objectContaining({ score: 10, category: 'promoter', comment: 'Fast delivery & friendly <support>' }) }),
    ]);

    // The stale tab's answer is refused, and the API's problem detail is what it shows.
    await second.getByText('3', { exact: true }).click();
    await second.getByRole('button', { name: ENGLISH.submit }).click();
    await second.getByRole('status').getByText(/answered already/).waitFor({ timeout: 10_000 });
    expect(await second.getByRole('button', { name: ENGLISH.submit }).isEnabled()).toBe(true);
    // The API refused it with 409, which the browser reports as a failed resource; nothing else went wrong.
    expect(secondProblems.filter((text) => !/status of 409/.test(text))).toEqual([]);
    await second.close();
    expect(problems).toEqual([]);
  });

  it('answers a reload of the link with the "already answered" page, and a second answer with 409', async () => {
    const response = await page.reload();
    expect(response?.status()).toBe(200);
    expect((await page.locator('main').textContent())?.trim()).toBe(ENGLISH.answered);
    expect(await page.getByRole('radio').count()).toBe(0);
    const again = await api(runtime.url, 'POST', '/v1/surveys/responses', { body: { token: tokenOf(link), score: 9 } });
    expect(again.status).toBe(409);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows an unknown link's 404 page", async () => {
    const unknown = await context.newPage();
    const response = await unknown.goto(`${runtime.url}/s/${tokenOf(link).replace(/\.[^.]+$/, `.${'A'.repeat(43)}`)}`);
    expect(response?.status()).toBe(404);
    expect((await unknown.locator('main').textContent())?.trim()).toBe(ENGLISH.notFound);
    await unknown.close();
  });

  it("speaks the browser's language when the settings have it: a German browser, answered with the mouse", async () => {
    const german = await browser.newContext({ locale: 'de-DE' });
    const page = await german.newPage();
    const problems = watch(page);
    await page.goto(await ask('browser-2'));
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    const group = page.getByRole('group', { name: GERMAN.question });
    expect(await group.getByText(`10: ${GERMAN.high}`).isVisible()).toBe(true);
    await group.getByText('2', { exact: true }).click();
    expect(await page.getByRole('radio', { name: '2', exact: true }).isChecked()).toBe(true);
    await page.getByLabel(GERMAN.commentLabel).fill('Zu langsam');
    await page.getByRole('button', { name: GERMAN.submit }).click();
    await page.getByRole('status').getByText(GERMAN.thanks, { exact: true }).waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);
    const listed = await api(runtime.url, 'GET', '/v1/customers/browser-2/feedback', { headers: asMarketer() });
    expect(listed.body.items).toEqual([expect.objectContaining({ answer: expect.objectContaining({ score: 2, category: 'detractor', comment: 'Zu langsam' }) })]);
    await german.close();
  });
});
