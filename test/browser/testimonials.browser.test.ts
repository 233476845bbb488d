import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CONSENT_VERSIONS } from '../../functions/testimonials/domain/form-page';
import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * The testimonials issue's "Done when", walked through on the local runtime (as `npm start` runs it) in a real
 * browser: a promoter's NPS answer asks for a testimonial (a detractor's never does); the link's form is filled with
 * the keyboard under its own CSP and used once; a marketer approves; a hostile host page on another origin embeds the
 * widget from the runtime and shows it; a private one never shows, an anonymous one shows without a name; a
 * withdrawal takes it off the wall at once; the case-study candidates rank an approved, high-spending promoter first.
 *
 * The runtime seeds the demo feedback and testimonial settings (links point at the runtime). Two of their triggers are
 * switched off here, because they would spend the one-ask-per-90-days contact budget of the customer who buys before
 * answering (step 8) before the survey this walk-through answers could be sent: the feedback service's survey after a
 * purchase and after a tier upgrade, and the testimonial request after a tier upgrade. The promoter trigger stays on.
 *
 * Chromium is /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Without it the tier is skipped,
 * never failed. BROWSER_SCREENSHOTS=<dir> keeps the screenshots there (default: a fresh temporary directory).
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Browser tier skipped: ${CHROMIUM} is missing. Install Debian's Chromium with \`apt-get install chromium\` (.ci/run does).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

/** The consent wording the form offers today (the last version), as the customer reads it. */
const CONSENT = CONSENT_VERSIONS[CONSENT_VERSIONS.length - 1] as (typeof CONSENT_VERSIONS)[number];
const FORM = {
  heading: 'Share your experience',
  ratingLegend: 'How would you rate your experience?',
  text: 'Your testimonial',
  displayName: 'Your name',
  title: 'Job title (optional)',
  company: 'Company (optional)',
  consentLegend: 'May we publish your testimonial?',
  submit: 'Send testimonial',
  thanks: 'Thank you! Your testimonial will appear once our team has reviewed it.',
  submitted: 'You have already sent your testimonial. Thank you!',
};
const WALL_NAME = 'What our customers say';
const ANONYMOUS = 'Verified customer';

/** Unique per run: nothing here depends on what another run (or test) left in a table. */
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const customer = (name: string) => `tm-${RUN}-${name}`;
const ANNA = customer('anna'); // the first promoter: the browser form, public; later withdraws
const DORA = customer('dora'); // the detractor
const PAUL = customer('paul'); // a promoter who keeps it private
const NICO = customer('nico'); // a promoter who stays anonymous
const EVE = customer('eve'); // bought a lot before answering; public and approved
const FINN = customer('finn'); // bought little, never sends a testimonial
const PROMOTERS = [ANNA, PAUL, NICO, EVE, FINN];

const ANNA_TEXT = 'Setup took an afternoon & our repeat orders went up within a month.';
const PAUL_TEXT = 'Good service; please keep this between us.';
const NICO_TEXT = 'Quick answers every time I wrote to support.';
const EVE_TEXT = 'We moved all our ordering here and never looked back.';

const HOSTILE_CSS = `
* { color: red !important; font-size: 40px !important; display: inline !important; font-family: "Comic Sans MS", cursive !important; background: yellow !important; }
blockquote, figure, figcaption, ul, li, h2 { display: none !important; visibility: hidden !important; }
loyalty-wall { padding: 50px !important; border: 9px dotted red !important; }
head, script, style, title { display: none !important; }
`;

type JournalEntry = { event: { detail: { data: Record<string, unknown> } }; deliveries: { function: string; status: string }[] };
type Listed = { testimonialId: string; customerId: string; [field: string]: unknown };
type WallEntry = { testimonialId: string; text: string; displayName: string | null; title?: string; company?: string };
type Reason = { factor: string; points: number; maxPoints: number; detail: string; value: number };
type Candidate = { customerId: string; score: number; reasons: Reason[] };

let runtime: RuntimeProcess;
let key: string;
let marketer: string;

const store = () => ({ 'x-api-key': key });
const asMarketer = () => ({ authorization: `Bearer ${marketer}` });
const tokenOf = (link: string) => decodeURIComponent(new URL(link).pathname.split('/').pop() as string);
const pause = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** Every journal entry of one detail type, newest first, through all pages (the limit counts before the filter). */
async function journal(detailType: string): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await api(runtime.url, 'GET', `/_local/events?detailType=${detailType}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    entries.push(...(page.body.items as JournalEntry[]));
    cursor = page.body.nextCursor as string | undefined;
  } while (cursor !== undefined);
  return entries;
}

const requestedFor = async (customerId: string) => (await journal('TestimonialRequested')).filter((entry) => entry.event.detail.data.customerId === customerId);

async function answerNps(customerId: string, score: number): Promise<void> {
  const asked = await api(runtime.url, 'POST', '/v1/surveys', { body: { customerId, kind: 'nps' }, headers: store() });
  expect([customerId, asked.status, asked.body.status]).toEqual([customerId, 201, 'requested']);
  const answered = await api(runtime.url, 'POST', '/v1/surveys/responses', { body: { token: tokenOf(asked.body.link as string), score } });
  expect([customerId, answered.status, answered.body.category]).toEqual([customerId, 201, score >= 9 ? 'promoter' : 'detractor']);
}

async function purchase(customerId: string, orderId: string, amount: string): Promise<void> {
  const recorded = await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: `${orderId}-${RUN}`, customerId, amount, currency: 'USD' }, headers: store() });
  expect([orderId, recorded.status]).toEqual([orderId, 201]);
}

async function submit(token: string, testimonial: Record<string, unknown>): Promise<string> {
  const submitted = await api(runtime.url, 'POST', '/v1/testimonials', { body: { token, ...testimonial } });
  expect(submitted.status).toBe(201);
  expect(submitted.body).toMatchObject({ status: 'pending', consent: testimonial.consent, consentVersion: CONSENT.version });
  return submitted.body.testimonialId as string;
}

async function approve(testimonialId: string): Promise<Record<string, unknown>> {
  const approved = await api(runtime.url, 'POST', `/v1/testimonials/${testimonialId}/approve`, { headers: asMarketer() });
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ testimonialId, status: 'approved', moderation: [{ decision: 'approved', by: 'marketer:ana', at: expect.any(String) }] });
  return approved.body;
}

async function wall(): Promise<{ status: number; headers: Headers; entries: WallEntry[] }> {
  const shown = await api(runtime.url, 'GET', '/v1/walls/default');
  expect(shown.status).toBe(200);
  return { status: shown.status, headers: shown.headers, entries: shown.body.testimonials as WallEntry[] };
}

/** Every console error and uncaught exception of a page: a Content-Security-Policy violation is one. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

function screenshotDirectory(): string {
  return process.env.BROWSER_SCREENSHOTS ? resolve(process.env.BROWSER_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'testimonials-'));
}

describeInBrowser('testimonials on the local runtime, in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let host: Server;
  let hostOrigin: string;
  let screenshots: string;
  /** Each promoter's request link, from the TestimonialRequested event. */
  const links = new Map<string, string>();
  let annaTestimonial: string;
  let paulTestimonial: string;
  let nicoTestimonial: string;
  let hostPage: Page;
  let hostProblems: string[];

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'shop', '--json')) as { key: string }).key;
    marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();

    // The seeded demo settings, with the triggers that would spend a buyer's contact budget first switched off.
    const feedback = await api(runtime.url, 'GET', '/v1/feedback-settings', { headers: asMarketer() });
    expect(feedback.body).toMatchObject({ responseBaseUrl: runtime.url });
    const { version: _fv, updatedAt: _fa, updatedBy: _fb, ...feedbackSettings } = feedback.body;
    const savedFeedback = await api(runtime.url, 'PUT', '/v1/feedback-settings', {
      body: { ...feedbackSettings, triggers: { afterPurchase: { enabled: false, days: 7 }, tierUpgrade: { enabled: false } } },
      headers: asMarketer(),
    });
    expect(savedFeedback.status).toBe(200);
    const testimonials = await api(runtime.url, 'GET', '/v1/testimonial-settings', { headers: asMarketer() });
    expect(testimonials.status).toBe(200);
    expect(testimonials.body).toMatchObject({ responseBaseUrl: runtime.url, triggers: { promoter: { enabled: true } } });
    const { version: _tv, updatedAt: _ta, updatedBy: _tb, ...testimonialSettings } = testimonials.body;
    const triggers = testimonialSettings.triggers as Record<string, unknown>;
    const savedTestimonials = await api(runtime.url, 'PUT', '/v1/testimonial-settings', { body: { ...testimonialSettings, triggers: { ...triggers, tierUpgrade: { enabled: false } } }, headers: asMarketer() });
    expect(savedTestimonials.status).toBe(200);

    // The merchant's page: another origin (another port), hostile CSS from itself, scripts and fetches only from the API.
    host = createServer((request: IncomingMessage, response: ServerResponse) => {
      const path = new URL(request.url ?? '/', 'http://host').pathname;
      if (path === '/') {
        const csp = `default-src 'none'; script-src ${runtime.url}; connect-src ${runtime.url}; img-src ${runtime.url}; style-src 'self'`;
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Our shop</title>
<link rel="stylesheet" href="/hostile.css">
<script type="module" src="${runtime.url}/w/loyalty-wall.js"></script>
</head><body>
<h1>Our shop</h1>
<loyalty-wall wall-id="default"></loyalty-wall>
</body></html>`);
        return;
      }
      if (path === '/hostile.css') {
        response.writeHead(200, { 'content-type': 'text/css' }).end(HOSTILE_CSS);
        return;
      }
      response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
    });
    await new Promise<void>((listening) => host.listen(0, '127.0.0.1', listening));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

    screenshots = screenshotDirectory();
    await mkdir(screenshots, { recursive: true });
    // launch() gives the browser a fresh, empty profile (user-data dir) of its own, removed when it closes.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (host) {
      host.closeAllConnections();
      await new Promise<void>((closed) => host.close(() => closed()));
    }
    await runtime?.stop();
  });

  it("asks a promoter for a testimonial after an NPS answer of 10, and never the detractor who answered 2", async () => {
    // Eve buys a lot and Finn a little, before they answer (their case-study scores, step 8, count it).
    await purchase(EVE, 'eve-1', '2500.00');
    await purchase(EVE, 'eve-2', '2500.00');
    await purchase(FINN, 'finn-1', '15.00');
    for (const promoter of PROMOTERS) await answerNps(promoter, promoter === PAUL ? 9 : 10);
    await answerNps(DORA, 2);

    const requested = await eventually(async () => {
      const entries = await journal('TestimonialRequested');
      const mine = PROMOTERS.map((promoter) => entries.find((entry) => entry.event.detail.data.customerId === promoter));
      return mine.every((entry) => entry !== undefined) ? (mine as JournalEntry[]) : undefined;
    }, 20_000);
    for (const [index, entry] of requested.entries()) {
      const data = entry.event.detail.data;
      expect(data).toMatchObject({ customerId: PROMOTERS[index], trigger: 'promoter', requestId: expect.stringMatching(/^tr_/) });
      const link = data.link as string;
      expect(link).toMatch(new RegExp(`^${runtime.url}/t/tr_[A-Za-z0-9_-]{16,24}\\.[A-Za-z0-9_-]{43}$`));
      links.set(PROMOTERS[index] as string, link);
    }
    expect(new Set(links.values()).size).toBe(PROMOTERS.length);

    // The detractor's answer has been handled by every consumer; then a fair wait more: still no request for them.
    await eventually(async () => {
      const entry = (await journal('DetractorIdentified')).find((candidate) => candidate.event.detail.data.customerId === DORA);
      return entry && entry.deliveries.length > 0 && entry.deliveries.every((delivery) => delivery.status === 'delivered') ? true : undefined;
    }, 20_000);
    await pause(2_000);
    expect(await requestedFor(DORA)).toEqual([]);
    const doras = await api(runtime.url, 'GET', `/v1/customers/${DORA}/testimonials`, { headers: asMarketer() });
    expect(doras.status).toBe(200);
    expect(doras.body).toEqual({ testimonials: [], requests: [] });
    // Nor can a marketer ask them by hand.
    const manual = await api(runtime.url, 'POST', '/v1/testimonial-requests', { body: { customers: [{ customerId: DORA }] }, headers: asMarketer() });
    expect(manual.status).toBe(201);
    expect(manual.body.requests).toEqual([{ customerId: DORA, status: 'refused', reason: expect.stringContaining('detractor') }]);
    expect(await requestedFor(DORA)).toEqual([]);
    expect((await api(runtime.url, 'GET', `/v1/customers/${DORA}/testimonials`, { headers: asMarketer() })).body).toEqual({ testimonials: [], requests: [] });

    // The promoter's request, as the marketer sees it: one, asked after the promoter answer, open.
    const annas = await api(runtime.url, 'GET', `/v1/customers/${ANNA}/testimonials`, { headers: asMarketer() });
    expect(annas.body).toEqual({ testimonials: [], requests: [expect.objectContaining({ customerId: ANNA, trigger: 'promoter', status: 'requested', uses: 0, maxUses: 1 })] });
  }, 90_000);

  it('opens the link as a form, filled in with the keyboard alone and sent under its CSP with no console error; the link then says "already sent"', async () => {
    const link = links.get(ANNA) as string;
    const page = await context.newPage();
    const problems = watch(page);
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; connect-src 'self';/);
    expect(await page.title()).toBe(FORM.heading);
    expect(await page.getByRole('radiogroup', { name: FORM.ratingLegend }).getByRole('radio').count()).toBe(5);
    const consentGroup = page.getByRole('radiogroup', { name: FORM.consentLegend });
    expect(await consentGroup.getByRole('radio').count()).toBe(3);
    // The consent options are labelled with the current consent wording, version by version.
    for (const choice of ['public', 'anonymous', 'private'] as const) expect(await consentGroup.getByRole('radio', { name: CONSENT.texts[choice], exact: true }).getAttribute('value')).toBe(choice);

    // Which element has the focus, as "<tag>:<name>" (the test compiles without the DOM's types: a string).
    const focused = () => page.evaluate<string>("(({ tagName, name, value, type }) => tagName.toLowerCase() + ':' + name + (type === 'radio' ? '=' + value : ''))(document.activeElement)");
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:rating=1');
    for (let step = 0; step < 4; step += 1) await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('input:rating=5');
    expect(await page.getByRole('radio', { name: '5 out of 5', exact: true }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('textarea:text');
    await page.keyboard.type(ANNA_TEXT);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:displayName');
    await page.keyboard.type('Anna Kowalski');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:title');
    await page.keyboard.type('Head of Operations');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:company');
    await page.keyboard.type('Acme Bakery');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:avatarUrl');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:consent=public');
    await page.keyboard.press('Space');
    expect(await consentGroup.getByRole('radio', { name: CONSENT.texts.public, exact: true }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('button:');
    expect(await page.getByLabel(FORM.text, { exact: true }).inputValue()).toBe(ANNA_TEXT);
    expect(await page.getByLabel(FORM.displayName, { exact: true }).inputValue()).toBe('Anna Kowalski');
    expect(await page.getByLabel(FORM.title, { exact: true }).inputValue()).toBe('Head of Operations');
    expect(await page.getByLabel(FORM.company, { exact: true }).inputValue()).toBe('Acme Bakery');
    await page.screenshot({ path: join(screenshots, 'testimonial-form.png'), fullPage: true });

    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText(FORM.thanks, { exact: true }).waitFor({ timeout: 10_000 });
    expect(await page.locator('form').isHidden()).toBe(true);
    expect(problems).toEqual([]);

    // The link is used: reopening it shows the "already sent" page, with 410, and no form.
    const again = await page.reload();
    expect(again?.status()).toBe(410);
    expect((await page.locator('main').textContent())?.trim()).toBe(FORM.submitted);
    expect(await page.locator('form').count()).toBe(0);
    // The browser notes the 410 of the page itself; nothing else went wrong.
    expect(problems.filter((text) => !(/status of 410/.test(text) && text.includes(link)))).toEqual([]);
    await page.close();
  }, 60_000);

  it('lists it in the moderation queue for the marketer, who approves it', async () => {
    const pending = await api(runtime.url, 'GET', '/v1/testimonials?status=pending', { headers: asMarketer() });
    expect(pending.status).toBe(200);
    const annas = (pending.body.items as Listed[]).filter((item) => item.customerId === ANNA);
    expect(annas).toEqual([
      expect.objectContaining({
        customerId: ANNA,
        status: 'pending',
        rating: 5,
        text: ANNA_TEXT,
        displayName: 'Anna Kowalski',
        title: 'Head of Operations',
        company: 'Acme Bakery',
        consent: 'public',
        consentVersion: CONSENT.version,
        consentText: CONSENT.texts.public,
        moderation: [],
      }),
    ]);
    annaTestimonial = (annas[0] as Listed).testimonialId;
    await approve(annaTestimonial);
    const stillPending = await api(runtime.url, 'GET', '/v1/testimonials?status=pending', { headers: asMarketer() });
    expect((stillPending.body.items as Listed[]).some((item) => item.testimonialId === annaTestimonial)).toBe(false);
  });

  it('shows it on the wall: the public API (cacheable, ETag, any origin) and the widget on a hostile host page of another origin', async () => {
    const shown = await wall();
    expect(shown.headers.get('cache-control')).toBe('public, max-age=60');
    expect(shown.headers.get('access-control-allow-origin')).toBe('*');
    const etag = shown.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(shown.entries).toEqual([expect.objectContaining({ testimonialId: annaTestimonial, rating: 5, text: ANNA_TEXT, displayName: 'Anna Kowalski', title: 'Head of Operations', company: 'Acme Bakery' })]);
    const revalidated = await api(runtime.url, 'GET', '/v1/walls/default', { headers: { 'if-none-match': etag as string } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe('');
    expect(revalidated.headers.get('etag')).toBe(etag);

    hostPage = await context.newPage();
    hostProblems = watch(hostPage);
    const response = await hostPage.goto(`${hostOrigin}/`);
    expect(response?.status()).toBe(200);
    const widget = hostPage.locator('loyalty-wall');
    await widget.locator('figure').first().waitFor({ timeout: 10_000 });
    // Inside the widget's shadow root, not the page's DOM; the hostile CSS hid nothing.
    expect(await hostPage.evaluate<number>("document.querySelectorAll('figure').length")).toBe(0);
    expect(await hostPage.evaluate<number>("document.querySelector('loyalty-wall').shadowRoot.querySelectorAll('figure').length")).toBe(1);
    expect(await widget.locator('h2').textContent()).toBe(WALL_NAME);
    const card = widget.locator('figure').first();
    expect(await card.isVisible()).toBe(true);
    expect(await card.locator('blockquote').textContent()).toBe(ANNA_TEXT);
    expect(await card.locator('.name').textContent()).toBe('Anna Kowalski');
    expect(await card.locator('.role').textContent()).toBe('Head of Operations, Acme Bakery');
    expect(await card.getByText('Rated 5 out of 5').count()).toBe(1);
    expect(await hostPage.evaluate<string>("getComputedStyle(document.querySelector('loyalty-wall').shadowRoot.querySelector('blockquote')).display")).toBe('block');
    expect(hostProblems).toEqual([]);
  }, 60_000);

  it('never shows a private testimonial, approved or not: not on the wall, not in the widget', async () => {
    paulTestimonial = await submit(tokenOf(links.get(PAUL) as string), { rating: 4, text: PAUL_TEXT, displayName: 'Paul Private', company: 'Quiet Ltd', consent: 'private' });
    const approved = await approve(paulTestimonial);
    expect(approved).toMatchObject({ consent: 'private', consentText: CONSENT.texts.private });
    const shown = await wall();
    expect(shown.entries.map((entry) => entry.testimonialId)).toEqual([annaTestimonial]);
    expect(JSON.stringify(shown.entries)).not.toMatch(/Paul|Quiet Ltd|between us/);

    await hostPage.reload();
    await hostPage.locator('loyalty-wall figure').first().waitFor({ timeout: 10_000 });
    expect(await hostPage.locator('loyalty-wall figure').count()).toBe(1);
    expect(await hostPage.locator('loyalty-wall').textContent()).not.toMatch(/Paul|Quiet Ltd|between us/);
    expect(hostProblems).toEqual([]);
  }, 60_000);

  it('shows an approved anonymous testimonial without any name: a "Verified customer"', async () => {
    nicoTestimonial = await submit(tokenOf(links.get(NICO) as string), { rating: 4, text: NICO_TEXT, displayName: 'Nico Nameless', title: 'Owner', company: 'Secret Shop', consent: 'anonymous' });
    await approve(nicoTestimonial);
    const shown = await wall();
    const entry = shown.entries.find((candidate) => candidate.testimonialId === nicoTestimonial);
    expect(entry).toMatchObject({ text: NICO_TEXT, displayName: null });
    expect(entry).not.toHaveProperty('title');
    expect(entry).not.toHaveProperty('company');
    expect(JSON.stringify(shown.entries)).not.toMatch(/Nico|Secret Shop/);
    expect(shown.entries.map((candidate) => candidate.testimonialId).sort()).toEqual([annaTestimonial, nicoTestimonial].sort());

    await hostPage.reload();
    const widget = hostPage.locator('loyalty-wall');
    await widget.locator('figure').nth(1).waitFor({ timeout: 10_000 });
    const anonymous = widget.locator('figure').filter({ hasText: NICO_TEXT });
    expect(await anonymous.locator('.name').textContent()).toBe(ANONYMOUS);
    expect(await anonymous.locator('.role').count()).toBe(0);
    expect(await widget.textContent()).not.toMatch(/Nico|Secret Shop|Owner/);
    expect(await widget.locator('figure').filter({ hasText: ANNA_TEXT }).locator('.name').textContent()).toBe('Anna Kowalski');
    expect(hostProblems).toEqual([]);
    await hostPage.screenshot({ path: join(screenshots, 'wall-on-host-page.png'), fullPage: true });
  }, 60_000);

  it('takes a withdrawn testimonial off the wall at once: the very next read, and the widget on a reload', async () => {
    const before = await wall();
    const token = (await runtime.cli('token', '--customer', ANNA)).trim();
    // Someone else's token may not withdraw it.
    const other = (await runtime.cli('token', '--customer', NICO)).trim();
    expect((await api(runtime.url, 'POST', `/v1/customers/${ANNA}/testimonials/${annaTestimonial}/withdraw`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);

    const withdrawn = await api(runtime.url, 'POST', `/v1/customers/${ANNA}/testimonials/${annaTestimonial}/withdraw`, { headers: { authorization: `Bearer ${token}` } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toEqual({ testimonialId: annaTestimonial, status: 'withdrawn', withdrawnAt: expect.any(String), withdrawnBy: 'customer' });
    const after = await wall();
    expect(after.entries.map((entry) => entry.testimonialId)).toEqual([nicoTestimonial]);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    // A cache holding the old ETag is told it changed.
    expect((await api(runtime.url, 'GET', '/v1/walls/default', { headers: { 'if-none-match': before.headers.get('etag') as string } })).status).toBe(200);

    // The same tab, reloaded within the wall's max-age=60: the widget revalidates its copy (ETag) rather than reuse it.
    await hostPage.reload();
    const widget = hostPage.locator('loyalty-wall');
    await widget.locator('figure').first().waitFor({ timeout: 10_000 });
    expect(await widget.locator('figure').count()).toBe(1);
    expect(await widget.locator('blockquote').textContent()).toBe(NICO_TEXT);
    expect(await widget.textContent()).not.toMatch(/Anna|Acme Bakery|repeat orders/);
    expect(hostProblems).toEqual([]);
    // Withdrawn is final: a marketer cannot approve it back onto the wall.
    expect((await api(runtime.url, 'POST', `/v1/testimonials/${annaTestimonial}/approve`, { headers: asMarketer() })).status).toBe(409);
    await hostPage.close();
  }, 60_000);

  it('ranks case-study candidates: an approved public, high-spending promoter before a promoter with no testimonial and little spend, each with its reasons', async () => {
    const eveTestimonial = await submit(tokenOf(links.get(EVE) as string), { rating: 5, text: EVE_TEXT, displayName: 'Eve Evans', title: 'Buyer', company: 'Evans & Co', consent: 'public' });
    await approve(eveTestimonial);

    const candidates = await eventually(async () => {
      const listed = await api(runtime.url, 'GET', '/v1/case-study-candidates?limit=100', { headers: asMarketer() });
      expect(listed.status).toBe(200);
      const items = listed.body.items as Candidate[];
      const eve = items.find((item) => item.customerId === EVE);
      const finn = items.find((item) => item.customerId === FINN);
      const anna = items.find((item) => item.customerId === ANNA);
      const testimonialPoints = (candidate: Candidate | undefined) => candidate?.reasons.find((reason) => reason.factor === 'testimonial')?.points ?? 0;
      const spendPoints = (candidate: Candidate | undefined) => candidate?.reasons.find((reason) => reason.factor === 'spend')?.points ?? 0;
      // Eve's approval and Anna's withdrawal have both reached the scores.
      return eve && finn && anna && testimonialPoints(eve) > 0 && spendPoints(eve) > 0 && testimonialPoints(anna) === 0 ? items : undefined;
    }, 20_000);

    const ids = candidates.map((item) => item.customerId);
    expect(ids.indexOf(EVE)).toBeLessThan(ids.indexOf(FINN));
    expect(ids).not.toContain(DORA);
    const eve = candidates.find((item) => item.customerId === EVE) as Candidate;
    const finn = candidates.find((item) => item.customerId === FINN) as Candidate;
    expect(eve.score).toBeGreaterThan(finn.score);
    expect(eve.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ factor: 'promoter', points: 30 }),
        expect.objectContaining({ factor: 'testimonial', points: 25 }),
        expect.objectContaining({ factor: 'spend', points: 20 }),
      ]),
    );
    expect(finn.reasons.find((reason) => reason.factor === 'testimonial')?.points ?? 0).toBe(0);
    expect(finn.reasons.find((reason) => reason.factor === 'spend')?.points ?? 0).toBe(0);
    for (const item of candidates) {
      expect(item.score).toBe(item.reasons.reduce((sum, reason) => sum + reason.points, 0));
      for (const reason of item.reasons) {
        expect(reason).toEqual({ factor: expect.any(String), points: expect.any(Number), maxPoints: expect.any(Number), detail: expect.any(String), value: expect.any(Number) });
        expect(reason.detail.length).toBeGreaterThan(0);
        expect(reason.points).toBeLessThanOrEqual(reason.maxPoints);
      }
    }
  }, 60_000);
});
