import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { rewardsWidgetScript } from '../../functions/loyalty/widget/widget-script';
import { api, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * The customer rewards widget (<loyalty-rewards>) on the local runtime (as `npm start` runs it) in a real browser: a
 * plain storefront page on another origin, with CSS as hostile as it gets and a strict Content-Security-Policy, embeds
 * the one script tag from the runtime (GET /l/loyalty-rewards.js) and the element, and hands it the customer's token
 * through a tokenProvider (the storefront's own endpoint). The runtime allows that origin by CORS_ORIGINS, as a
 * merchant configures corsOrigins on AWS. The customer has earned points (pending), been given points (available),
 * and has an open survey; the widget shows the balance, tier progress, only the rewards within the points, a
 * redemption after its confirmation with the coupon copied to the clipboard, and a referral link made on request.
 *
 * Chromium is /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Without it the tier is skipped,
 * never failed. BROWSER_SCREENSHOTS=<dir> keeps the screenshot there (default: a fresh temporary directory).
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Browser tier skipped: ${CHROMIUM} is missing. Install Debian's Chromium with \`apt-get install chromium\` (.ci/run does).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

const RED = 'rgb(255, 0, 0)';
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const CUSTOMER = `rw-${RUN}-anna`;
const OTHER = `rw-${RUN}-ben`;
const REWARDS = {
  shipping: { rewardId: `rw-${RUN}-ship`, name: 'Free shipping', costPoints: 200, type: { kind: 'free_shipping' } },
  tenOff: { rewardId: `rw-${RUN}-ten`, name: '$10 off your next order', description: 'On orders over $30', costPoints: 500, type: { kind: 'fixed_discount', amount: '10.00', currency: 'USD' } },
  trip: { rewardId: `rw-${RUN}-trip`, name: 'A weekend away', costPoints: 50_000, type: { kind: 'custom', details: 'Two nights' } },
};

const HOSTILE_CSS = `
* { color: red !important; font-size: 40px !important; display: inline !important; font-family: "Comic Sans MS", cursive !important; background: yellow !important; line-height: 5 !important; }
button, input, progress, ul, li, h2, h3, p { display: none !important; visibility: hidden !important; }
loyalty-rewards { padding: 50px !important; border: 9px dotted red !important; }
head, script, style, title { display: none !important; }
`;

/** The storefront's own script: it asks its server for the signed-in customer's token (the widget calls it as needed). */
const STOREFRONT_JS = `
const widget = document.querySelector('#rewards');
widget.tokenProvider = () => fetch('/customer-token', { cache: 'no-store' }).then((response) => response.text());
// A second widget asking, with the same customer's token, about another customer (customer-id): the API refuses it.
document.querySelector('#someone-else').tokenProvider = widget.tokenProvider;
const log = [];
for (const name of ['loaded', 'redeemed', 'copied', 'error']) widget.addEventListener('loyalty-rewards:' + name, (event) => log.push({ name, detail: event.detail }));
window.rewardsEvents = log;
`;

let runtime: RuntimeProcess;
let key: string;
let marketer: string;
let customerToken: string;
let tokenRequests = 0;

const asMarketer = () => ({ authorization: `Bearer ${marketer}` });

describeInBrowser('the rewards widget on the local runtime, in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let host: Server;
  let hostOrigin: string;
  let screenshots: string;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  const widget = () => page.locator('#rewards');
  const computed = (selector: string, property: string) => page.locator(selector).first().evaluate((node, property) => getComputedStyle(node).getPropertyValue(property), property);

  beforeAll(async () => {
    // The storefront first: its origin is what the runtime must allow by CORS.
    host = createServer((request: IncomingMessage, response: ServerResponse) => {
      const path = new URL(request.url ?? '/', 'http://host').pathname;
      if (path === '/') {
        const csp = `default-src 'none'; script-src 'self' ${runtime.url}; connect-src 'self' ${runtime.url}; style-src 'self'`;
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Our shop</title>
<link rel="stylesheet" href="/hostile.css">
<script type="module" src="${runtime.url}/l/loyalty-rewards.js"></script>
<script type="module" src="/storefront.js"></script>
</head><body>
<h1>Our shop</h1>
<a id="before" href="#before">Before the widget</a>
<loyalty-rewards id="rewards" api-base="${runtime.url}"></loyalty-rewards>
<loyalty-rewards id="someone-else" api-base="${runtime.url}" customer-id="${OTHER}"></loyalty-rewards>
</body></html>`);
        return;
      }
      const bodies: Record<string, [string, string]> = { '/hostile.css': ['text/css', HOSTILE_CSS], '/storefront.js': ['text/javascript', STOREFRONT_JS] };
      if (path === '/customer-token') {
        tokenRequests++;
        response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(customerToken);
        return;
      }
      const body = bodies[path];
      if (body) {
        response.writeHead(200, { 'content-type': body[0] }).end(body[1]);
        return;
      }
      response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
    });
    await new Promise<void>((listening) => host.listen(0, '127.0.0.1', listening));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    runtime = await startRuntimeProcess({ env: { CORS_ORIGINS: hostOrigin } });
    key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'shop', '--json')) as { key: string }).key;
    marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
    customerToken = (await runtime.cli('token', '--customer', CUSTOMER)).trim();

    // An open survey (asked before the purchase, so the purchase's own survey is not what spends the contact budget).
    const asked = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId: CUSTOMER, kind: 'nps' }, headers: { 'x-api-key': key } });
    expect([asked.status, asked.body.status]).toEqual([201, 'requested']);
    // A $120 purchase: 170 points pending (1 per dollar and the first-purchase bonus), Bronze on the way to Silver.
    const bought = await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: `rw-${RUN}-1`, customerId: CUSTOMER, amount: '120.00', currency: 'USD' }, headers: { 'x-api-key': key } });
    expect(bought.status).toBe(201);
    const given = await api(runtime.url, 'POST', `/v1/customers/${CUSTOMER}/adjustments`, { body: { adjustmentId: `rw-${RUN}-welcome`, points: 600, reason: 'Welcome to the rewards widget test' }, headers: asMarketer() });
    expect(given.status).toBe(201);
    for (const reward of Object.values(REWARDS)) expect((await api(runtime.url, 'POST', '/v1/rewards', { body: reward, headers: asMarketer() })).status).toBe(201);
    // The purchase's points are awarded asynchronously: wait until they are there, pending.
    for (let waited = 0; ; waited += 100) {
      const balance = await api(runtime.url, 'GET', `/v1/customers/${CUSTOMER}/loyalty`, { headers: { authorization: `Bearer ${customerToken}` } });
      if (balance.body.pending === 170) break;
      if (waited > 15_000) throw new Error(`the purchase was not awarded: ${JSON.stringify(balance.body)}`);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
    }

    screenshots = process.env.BROWSER_SCREENSHOTS ? resolve(process.env.BROWSER_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'rewards-widget-'));
    await mkdir(screenshots, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 520, height: 1100 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hostOrigin });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (host) {
      host.closeAllConnections();
      await new Promise<void>((closed) => host.close(() => closed()));
    }
    await runtime?.stop();
  });

  it('serves one script tag: the loader (5 minutes) importing the content-hashed script (immutable), readable from any origin', async () => {
    const { file } = rewardsWidgetScript();
    const loader = await fetch(`${runtime.url}/l/loyalty-rewards.js`, { headers: { origin: hostOrigin } });
    expect([loader.status, loader.headers.get('cache-control'), loader.headers.get('access-control-allow-origin'), await loader.text()]).toEqual([200, 'public, max-age=300', '*', `import"./${file}";\n`]);
    const script = await fetch(`${runtime.url}/l/${file}`);
    expect([script.status, script.headers.get('cache-control'), script.headers.get('content-type')]).toEqual([200, 'public, max-age=31536000, immutable', 'text/javascript; charset=utf-8']);
  });

  it("shows the customer's balance, tier progress and only the rewards within their points, untouched by the page's CSS", async () => {
    expect((await page.goto(`${hostOrigin}/`))?.status()).toBe(200);
    await widget().locator('.rewards li').first().waitFor();
    expect(tokenRequests).toBeGreaterThan(0);

    expect(await widget().locator('.available').textContent()).toBe('600');
    expect(await widget().locator('.pending').textContent()).toBe('170 pending (they become available after the return window)');
    expect(await widget().locator('.tier').textContent()).toBe('Tier: Bronze');
    expect(await widget().locator('.next-tier').textContent()).toBe('Spend $380.00 more to reach Silver');
    const progress = widget().getByRole('progressbar', { name: 'Progress to Silver' });
    expect([await progress.getAttribute('value'), await progress.getAttribute('max')]).toEqual(['12000', '50000']);
    // 200 and 500 points are within 600; the 50,000-point trip is not offered.
    expect(await widget().locator('.rewards .name').allTextContents()).toEqual(['Free shipping', '$10 off your next order']);
    expect(await widget().getByText('A short survey we sent you on', { exact: false }).isVisible()).toBe(true);

    // The shadow root holds it all; a constructed stylesheet (no <style>, which the page's CSP would refuse).
    const placement = await page.evaluate(() => {
      const root = document.getElementById('rewards')?.shadowRoot;
      return { inPage: document.querySelectorAll('button').length, inShadow: (root?.querySelectorAll('button').length ?? 0) > 0, sheets: root?.adoptedStyleSheets.length, styles: root?.querySelectorAll('style').length };
    });
    expect(placement).toEqual({ inPage: 0, inShadow: true, sheets: 1, styles: 0 });
    expect(await computed('#rewards', 'display')).toBe('block');
    expect(await computed('#rewards', 'padding-top')).toBe('0px');
    expect(await computed('#rewards', 'border-top-width')).toBe('0px');
    const redeem = widget().getByRole('button', { name: 'Redeem $10 off your next order' });
    expect(await redeem.isVisible()).toBe(true);
    expect(await computed('#rewards button', 'display')).not.toBe('none');
    expect(await computed('#rewards button', 'font-size')).not.toBe('40px');
    expect(await computed('#rewards .available', 'color')).not.toBe(RED);
    expect(await computed('#rewards .available', 'font-family')).not.toMatch(/Comic/);
    expect(await computed('#rewards h2', 'font-size')).toBe('20px');
  });

  it('shows the problem detail when the API refuses (a token for one customer asking about another)', async () => {
    const other = page.locator('#someone-else');
    const alert = other.getByRole('alert');
    await alert.waitFor();
    // The API's own problem+json detail, through CORS (not the widget's network-failure sentence).
    const refused = await api(runtime.url, 'GET', `/v1/customers/${OTHER}/loyalty`, { headers: { authorization: `Bearer ${customerToken}` } });
    expect(refused.status).toBe(403);
    expect(await alert.textContent()).toBe(refused.body.detail);
    expect(await other.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    const errors = await page.evaluate(() => (window as unknown as { rewardsEvents: unknown[] }).rewardsEvents);
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'loaded', detail: { available: 600, pending: 170, tier: 'Bronze' } })]));
  });

  it('redeems by keyboard only after the confirmation, then shows the coupon and copies it to the clipboard', async () => {
    const redeem = widget().getByRole('button', { name: 'Redeem $10 off your next order' });
    await redeem.focus();
    await page.keyboard.press('Enter');
    const confirm = widget().getByRole('button', { name: 'Yes, redeem' });
    expect(await widget().getByText('Spend 500 points on $10 off your next order?').isVisible()).toBe(true);
    // Escape goes back without spending anything; the balance is unchanged on the server.
    await page.keyboard.press('Escape');
    expect(await confirm.count()).toBe(0);
    const unchanged = await api(runtime.url, 'GET', `/v1/customers/${CUSTOMER}/loyalty`, { headers: { authorization: `Bearer ${customerToken}` } });
    expect(unchanged.body.available).toBe(600);

    await redeem.focus();
    await page.keyboard.press('Enter');
    // The confirm button has the focus: Enter confirms.
    expect(await confirm.evaluate((node) => node.getRootNode() instanceof ShadowRoot && (node.getRootNode() as ShadowRoot).activeElement === node)).toBe(true);
    await page.keyboard.press('Enter');
    const code = widget().locator('.code');
    await code.waitFor();
    const coupon = (await code.textContent()) ?? '';
    expect(coupon).toMatch(/^LL-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await widget().locator('.available').textContent()).toBe('100');

    // The copy button has the focus.
    await page.keyboard.press('Enter');
    await widget().getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(coupon);

    // The API agrees: one redemption, that coupon, 100 points left.
    const redemptions = await api(runtime.url, 'GET', `/v1/customers/${CUSTOMER}/redemptions`, { headers: { authorization: `Bearer ${customerToken}` } });
    expect((redemptions.body.items as { couponCode: string; rewardId: string }[]).map((item) => [item.rewardId, item.couponCode])).toEqual([[REWARDS.tenOff.rewardId, coupon]]);
    const events = await page.evaluate(() => (window as unknown as { rewardsEvents: { name: string; detail: Record<string, unknown> }[] }).rewardsEvents);
    expect(events.find((event) => event.name === 'redeemed')?.detail).toMatchObject({ rewardId: REWARDS.tenOff.rewardId, couponCode: coupon, pointsSpent: 500, balance: { available: 100, pending: 170 } });
    expect(events.find((event) => event.name === 'copied')?.detail).toEqual({ what: 'coupon' });
    await page.screenshot({ path: join(screenshots, 'rewards-widget.png'), fullPage: true });

    // Done: the list now offers only what 100 points buy (nothing).
    await widget().getByRole('button', { name: 'Done' }).click();
    expect(await widget().getByText('No reward is within your points yet.').isVisible()).toBe(true);
  });

  it("makes the customer's referral link on request and shows it, labelled, with a copy button", async () => {
    await widget().getByRole('button', { name: 'Get my referral link' }).click();
    const link = widget().getByLabel('Your referral link');
    await link.waitFor();
    const value = await link.inputValue();
    const code = await api(runtime.url, 'GET', `/v1/customers/${CUSTOMER}/referral-code`, { headers: { authorization: `Bearer ${customerToken}` } });
    expect(code.status).toBe(200);
    expect(value).toBe(code.body.link);
    await widget().getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => (window as unknown as { rewardsEvents: { name: string; detail: { what?: string } }[] }).rewardsEvents.some((event) => event.detail.what === 'referral-link'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);
    expect(pageErrors).toEqual([]);
    // The only console errors are the browser's own lines for answers the widget expects: the second widget's 403s
    // and the 404 of the referral code before the customer asked for one.
    expect(consoleErrors.filter((line) => !/status of (403|404)/.test(line))).toEqual([]);
  });
});
