import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { RENDERER } from '../../functions/meta/docs-renderer.generated';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * The interactive API reference (GET /docs) in a real browser against the local runtime: Redoc, loaded from the
 * runtime's own /docs/assets/ route, renders the runtime's /v1/openapi.json under the page's Content-Security-Policy
 * with no violation, its search works (a Web Worker from a Blob), and no request leaves the runtime's origin — every
 * request of the page is routed through the test, and any other origin is refused and recorded.
 *
 * Chromium is /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Without it the tier is skipped,
 * never failed. BROWSER_SCREENSHOTS=<dir> keeps the screenshot there (default: a fresh temporary directory).
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Browser tier skipped: ${CHROMIUM} is missing. Install Debian's Chromium with \`apt-get install chromium\` (.ci/run does).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

let runtime: RuntimeProcess;
let browser: Browser;

describeInBrowser('the API reference at /docs in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const requested: string[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    // Every network request the page makes passes here: the runtime's origin goes through, anything else is refused.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      requested.push(url);
      if (new URL(url).origin === runtime.url) await route.continue();
      else {
        refused.push(url);
        await route.abort('blockedbyclient');
      }
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('opens /docs as a page with its policy, and renders an operation from /v1/openapi.json', async () => {
    const assets: { url: string; encoding: string | undefined; status: number }[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/docs/assets/')) assets.push({ url: response.url(), encoding: response.headers()['content-encoding'], status: response.status() });
    });
    const specLoaded = page.waitForResponse((response) => response.url() === `${runtime.url}/v1/openapi.json`);
    const response = await page.goto(`${runtime.url}/docs`);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self'; connect-src 'self';/);
    expect((await specLoaded).status()).toBe(200);

    const operation = page.locator('h2', { hasText: 'Record a purchase' });
    await operation.waitFor({ state: 'visible', timeout: 45_000 });
    await operation.evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    // The operation's endpoint and its request body are rendered beside it.
    const section = page.locator('[data-section-id="tag/purchases/operation/recordPurchase"]');
    await expect(section.getByText('/v1/purchases', { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(section.getByText('orderId').first().isVisible()).resolves.toBe(true);

    expect(assets).toEqual([{ url: `${runtime.url}/docs/assets/${RENDERER.file}`, encoding: 'br', status: 200 }]);
    const directory = process.env.BROWSER_SCREENSHOTS ? resolve(process.env.BROWSER_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'api-docs-'));
    await mkdir(directory, { recursive: true });
    await page.screenshot({ path: join(directory, 'api-docs.png') });
  }, 90_000);

  it("finds operations with Redoc's search (its worker runs under the policy)", async () => {
    await page.getByPlaceholder('Search...').fill('expiring');
    const results = page.locator('[data-role="search:results"]');
    await results.getByText("A customer's points, tier, next tier and points expiring soon").first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.getByPlaceholder('Search...').fill('');
  }, 30_000);

  it('had no console error (a CSP violation is one) and sent no request but to the runtime', () => {
    expect(problems).toEqual([]);
    expect(refused).toEqual([]);
    expect(requested.length).toBeGreaterThanOrEqual(3);
    for (const url of requested) expect(url.startsWith(`${runtime.url}/`)).toBe(true);
    expect(requested).toEqual(expect.arrayContaining([`${runtime.url}/docs`, `${runtime.url}/docs/assets/${RENDERER.file}`, `${runtime.url}/v1/openapi.json`]));
  });
});
