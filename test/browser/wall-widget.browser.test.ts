import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { wallWidgetScript } from '../../functions/testimonials/widget/widget-script';

/**
 * The wall-of-love widget (<loyalty-wall>) in a real browser, as a component: a merchant's page on one origin, made
 * as hostile as CSS can be and with a strict Content-Security-Policy, embeds the script from a stand-in API on
 * another origin (two node:http servers on 127.0.0.1, so every request of the widget is cross-origin, as on a
 * merchant's site). The end-to-end test against the local runtime is separate.
 *
 * Chromium is /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Without it the tier is skipped,
 * never failed. BROWSER_SCREENSHOTS=<dir> keeps the screenshot there (default: a fresh temporary directory).
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Browser tier skipped: ${CHROMIUM} is missing. Install Debian's Chromium with \`apt-get install chromium\` (.ci/run does).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

const UNAVAILABLE = 'Testimonials are not available right now.';
const MARKUP = '<img src=x onerror=alert(1)>';
const RED = 'rgb(255, 0, 0)';

/** Every "hostile" rule the page may try: none may reach inside the widget, nor restyle its host element. */
const HOSTILE_CSS = `
* { color: red !important; font-size: 40px !important; display: inline !important; font-family: "Comic Sans MS", cursive !important; background: yellow !important; line-height: 5 !important; }
blockquote, figure, figcaption, ul, li, h2 { display: none !important; visibility: hidden !important; }
loyalty-wall { padding: 50px !important; border: 9px dotted red !important; }
head, script, style, title { display: none !important; }
#long { --loyalty-wall-max-height: 300px; }
`;

interface Served {
  readonly origin: string;
  close(): Promise<void>;
}

interface ApiHit {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

async function serve(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<Served> {
  const server = createServer(handle);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

function testimonial(id: string, rating: number, text: string, person?: { displayName: string; title?: string; company?: string; avatarUrl?: string }) {
  return { testimonialId: id, rating, text, displayName: person?.displayName ?? null, ...person, featured: id === 'ts_anna', submittedAt: '2026-11-02T10:00:00.000Z' };
}

/** The walls the stand-in API knows; `missing` is not one of them. */
function wallsOf(api: string): Record<string, { wallId: string; name: string; count: number; testimonials: unknown[] }> {
  const wall = (wallId: string, name: string, testimonials: unknown[]) => ({ wallId, name, count: testimonials.length, testimonials });
  return {
    default: wall('default', 'What our customers say', [
      testimonial('ts_anna', 5, 'Setup took ten minutes, and our repeat purchases went up within a month.', { displayName: 'Anna K.', title: 'Head of Ops', company: 'Acme', avatarUrl: `${api}/avatars/anna.svg` }),
      testimonial('ts_anon', 4, `Great support. I typed ${MARKUP} into the form and it stayed text.`),
    ]),
    second: wall('second', 'Loved by teams', [testimonial('ts_ben', 3, 'Good, and getting better.', { displayName: 'Ben O.' })]),
    long: wall(
      'long',
      'Every review',
      Array.from({ length: 12 }, (_, index) => testimonial(`ts_long_${index}`, 1 + (index % 5), `Review number ${index + 1}: steady, reliable, and quick to answer.`, index % 2 ? { displayName: `Customer ${index + 1}` } : undefined)),
    ),
  };
}

const AVATAR_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#2da44e"/><circle cx="20" cy="16" r="8" fill="#fff"/></svg>';

let api: Served;
let site: Served;
const apiHits: ApiHit[] = [];
let pageRequestHeaders: IncomingMessage['headers'] = {};

/** The stand-in API: the widget script, the walls, an avatar — each answer with CORS for any origin, as the API does. */
function apiHandler(request: IncomingMessage, response: ServerResponse): void {
  const path = new URL(request.url ?? '/', 'http://api').pathname;
  apiHits.push({ method: request.method ?? '', path, headers: request.headers });
  response.setHeader('access-control-allow-origin', '*');
  if (request.method !== 'GET') {
    response.writeHead(405).end();
    return;
  }
  if (path === '/widget/loyalty-wall.js') {
    response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(wallWidgetScript());
    return;
  }
  if (path === '/avatars/anna.svg') {
    response.writeHead(200, { 'content-type': 'image/svg+xml' }).end(AVATAR_SVG);
    return;
  }
  const wallId = /^\/v1\/walls\/([^/]+)$/.exec(path)?.[1];
  const wall = wallId === undefined ? undefined : wallsOf(api.origin)[decodeURIComponent(wallId)];
  if (wall) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(wall));
    return;
  }
  response.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No such wall' }));
}

/** The merchant's page: hostile CSS from its own origin, scripts only from the API, and no inline style allowed. */
function siteHandler(request: IncomingMessage, response: ServerResponse): void {
  const path = new URL(request.url ?? '/', 'http://site').pathname;
  if (path === '/') {
    pageRequestHeaders = request.headers;
    const csp = `default-src 'none'; script-src ${api.origin}; connect-src ${api.origin}; img-src ${api.origin}; style-src 'self'`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A hostile host page</title>
<link rel="stylesheet" href="/hostile.css">
<script type="module" src="${api.origin}/widget/loyalty-wall.js"></script>
</head><body>
<h1>A hostile host page</h1>
<a id="before" href="#before">Before the walls</a>
<loyalty-wall id="main" wall-id="default"></loyalty-wall>
<loyalty-wall id="missing" wall-id="missing" api-base="${api.origin}/"></loyalty-wall>
<a id="after" href="#after">After the walls</a>
</body></html>`);
    return;
  }
  if (path === '/hostile.css') {
    response.writeHead(200, { 'content-type': 'text/css' }).end(HOSTILE_CSS);
    return;
  }
  response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
}

const wallRequests = () => apiHits.filter((hit) => hit.path.startsWith('/v1/walls/')).map((hit) => hit.path);

describeInBrowser('the wall-of-love widget in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: ConsoleMessage[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  const requested: string[] = [];

  /** Appends a wall to the page before the "after" link, as a merchant's script would create one. */
  const addWall = (id: string, attributes: Record<string, string>) =>
    page.evaluate(
      ([id, attributes]) => {
        const wall = document.createElement('loyalty-wall');
        wall.id = id;
        for (const [name, value] of Object.entries(attributes)) wall.setAttribute(name, value);
        document.getElementById('after')?.before(wall);
      },
      [id, attributes] as const,
    );
  const computed = (selector: string, property: string) => page.locator(selector).first().evaluate((node, property) => getComputedStyle(node).getPropertyValue(property), property);

  beforeAll(async () => {
    api = await serve(apiHandler);
    site = await serve(siteHandler);
    // launch() gives the browser a fresh, empty profile (user-data dir) of its own, removed when it closes.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 900 } });
    // A cookie of 127.0.0.1 (both origins' host): the page request carries it, the widget's requests must not.
    await context.addCookies([{ name: 'session', value: 'merchant-visitor', domain: '127.0.0.1', path: '/' }]);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => requested.push(request.url()));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await site?.close();
  });

  it('renders each wall in its own shadow root, untouched by the page’s hostile CSS and under its strict CSP', async () => {
    const response = await page.goto(`${site.origin}/`);
    expect(response?.status()).toBe(200);
    await page.locator('#main li').nth(1).waitFor();
    await page.locator('#missing').getByText(UNAVAILABLE).waitFor();

    // The cards live in the open shadow root, not in the page's DOM.
    const placement = await page.evaluate(() => ({
      inPage: document.querySelectorAll('figure').length,
      inShadow: document.getElementById('main')?.shadowRoot?.querySelectorAll('figure').length,
      // Styles are a constructed stylesheet: no <style> element, which the page's CSP (no 'unsafe-inline') would block.
      sheets: document.getElementById('main')?.shadowRoot?.adoptedStyleSheets.length,
      styleElements: document.getElementById('main')?.shadowRoot?.querySelectorAll('style').length,
    }));
    expect(placement).toEqual({ inPage: 0, inShadow: 2, sheets: 1, styleElements: 0 });

    // The host element itself: block, nothing of the page's padding, border, background or colour.
    expect(await computed('#main', 'display')).toBe('block');
    expect(await computed('#main', 'padding-top')).toBe('0px');
    expect(await computed('#main', 'border-top-width')).toBe('0px');
    expect(await computed('#main', 'background-color')).toBe('rgba(0, 0, 0, 0)');
    // Inside: the page's `blockquote { display: none }` and `* { color: red; font-size: 40px }` did not apply.
    const quote = page.locator('#main blockquote').first();
    expect(await quote.isVisible()).toBe(true);
    expect(await computed('#main blockquote', 'display')).toBe('block');
    expect(await computed('#main blockquote', 'color')).not.toBe(RED);
    expect(await computed('#main blockquote', 'font-size')).toBe('16px');
    expect(await computed('#main blockquote', 'font-family')).not.toMatch(/Comic/);
    expect(await computed('#main figure', 'display')).toBe('flex');
    expect(await computed('#main h2', 'font-size')).toBe('20px');
    expect(await computed('#main .wall', 'background-color')).toBe('rgb(255, 255, 255)');
    expect(await page.locator('#main h2').textContent()).toBe('What our customers say');
  });

  it('is a list of quotes with captions: the anonymous one is a "Verified customer", each rating is said in words', async () => {
    const snapshot = await page.locator('#main').ariaSnapshot();
    // The accessibility tree: a heading, a region named by it, a list of two figures; the stars are not in it.
    expect(snapshot).toMatch(/- heading "What our customers say" \[level=2\]/);
    expect(snapshot).toMatch(/- region "What our customers say":\s+- list:/);
    expect(snapshot.match(/- listitem:/g)).toHaveLength(2);
    expect(snapshot).toMatch(/- paragraph: Featured/);
    expect(snapshot).toMatch(/- paragraph: Rated 5 out of 5/);
    expect(snapshot).toMatch(/- paragraph: Rated 4 out of 5/);
    expect(snapshot).not.toMatch(/★|☆|✓/);
    expect(snapshot).toMatch(/- blockquote:/);

    const [named, anonymous] = [page.locator('#main figure').nth(0), page.locator('#main figure').nth(1)];
    expect(await named.locator('figcaption .name').textContent()).toBe('Anna K.');
    expect(await named.locator('figcaption .role').textContent()).toBe('Head of Ops, Acme');
    expect(await anonymous.locator('figcaption .name').textContent()).toBe('Verified customer');
    expect(await anonymous.locator('figcaption .role').count()).toBe(0);
    expect(await anonymous.textContent()).not.toMatch(/Anna|Acme|Head of Ops/);
    expect(await anonymous.locator('.stars').getAttribute('aria-hidden')).toBe('true');
    expect(await anonymous.locator('.stars').textContent()).toBe('★★★★☆');
    // Featured in words too (not by the accent border alone).
    expect(await named.locator('.badge').textContent()).toBe('Featured');
    expect(await anonymous.locator('.badge').count()).toBe(0);
  });

  it('shows markup in a testimonial as text: no element made of it, no script run', async () => {
    const quote = page.locator('#main figure').nth(1).locator('blockquote');
    expect(await quote.textContent()).toBe(`Great support. I typed ${MARKUP} into the form and it stayed text.`);
    expect(await page.locator('#main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(requested.filter((url) => /\/x$/.test(url))).toEqual([]);
  });

  it('makes a wall that scrolls one tab stop (a named region, scrolled with the keys, focus visible); one that does not, none', async () => {
    await addWall('long', { 'wall-id': 'long' });
    await page.locator('#long li').nth(11).waitFor();
    // The page's CSS limits this wall's height (--loyalty-wall-max-height): its region scrolls and becomes focusable.
    await page.locator('#long .scroller[tabindex="0"]').waitFor();
    expect(await page.locator('#main .scroller').getAttribute('tabindex')).toBeNull();

    // Which element has the focus: the page's element and, inside a widget, its shadow root's.
    const focused = () =>
      page.evaluate(() => {
        const active = document.activeElement;
        const inner = active?.shadowRoot?.activeElement;
        return { id: active?.id, inner: inner ? `${inner.getAttribute('role')}:${inner.getAttribute('aria-labelledby')}` : undefined };
      });
    await page.focus('#before');
    await page.keyboard.press('Tab');
    // From the link before the walls, Tab skips the short wall and the missing one, to the scrolling region.
    expect(await focused()).toEqual({ id: 'long', inner: 'region:loyalty-wall-heading' });
    const region = page.locator('#long').getByRole('region', { name: 'Every review' });
    expect(await region.evaluate((node) => node.matches(':focus-visible'))).toBe(true);
    expect(await computed('#long .scroller', 'outline-style')).toBe('solid');
    expect(await computed('#long .scroller', 'outline-width')).toBe('3px');
    await page.keyboard.press('PageDown');
    await page.waitForFunction(() => (document.getElementById('long')?.shadowRoot?.querySelector('.scroller')?.scrollTop ?? 0) > 0);
    await page.keyboard.press('Tab');
    expect(await focused()).toEqual({ id: 'after', inner: undefined });
  });

  it('asks nobody but the API: plain GETs (no preflight) without the visitor’s cookies, and no avatar unless asked', async () => {
    const origins = new Set(requested.map((url) => new URL(url).origin));
    expect([...origins].sort()).toEqual([api.origin, site.origin].sort());
    expect(requested.filter((url) => url.startsWith(api.origin)).map((url) => new URL(url).pathname).sort()).toEqual(
      ['/v1/walls/default', '/v1/walls/long', '/v1/walls/missing', '/widget/loyalty-wall.js'].sort(),
    );
    expect(apiHits.filter((hit) => hit.method !== 'GET')).toEqual([]);
    expect(pageRequestHeaders.cookie).toBe('session=merchant-visitor');
    for (const hit of apiHits.filter((hit) => hit.path.startsWith('/v1/walls/'))) {
      expect(hit.headers.cookie).toBeUndefined();
      expect(hit.headers['sec-fetch-mode']).toBe('cors');
      expect(hit.headers.origin).toBe(site.origin);
    }
  });

  it('loads the avatar images only with the avatars attribute, without a referrer, and drops them when it goes', async () => {
    await addWall('with-avatars', { 'wall-id': 'default', avatars: '' });
    await page.waitForFunction(() => {
      const image = document.getElementById('with-avatars')?.shadowRoot?.querySelector('img');
      return image?.complete === true && image.naturalWidth > 0;
    });
    expect(requested).toContain(`${api.origin}/avatars/anna.svg`);
    const avatarHit = apiHits.find((hit) => hit.path === '/avatars/anna.svg');
    expect(avatarHit?.headers.referer).toBeUndefined();
    // (An image request carries its own host's cookies, like any <img>: crossorigin="anonymous" would omit them, but
    // then every photo's host would have to answer with CORS headers, which customers' photo hosts need not do.)
    const image = page.locator('#with-avatars img');
    expect(await image.count()).toBe(1);
    expect(await image.getAttribute('alt')).toBe('');
    // The anonymous testimonial has no photo, with or without the attribute.
    expect(await page.locator('#with-avatars figure').nth(1).locator('img').count()).toBe(0);

    const before = wallRequests().length;
    await page.locator('#with-avatars').evaluate((node) => node.removeAttribute('avatars'));
    await page.locator('#with-avatars img').waitFor({ state: 'detached' });
    expect(await page.locator('#with-avatars figure').nth(0).locator('.avatar').textContent()).toBe('AK');
    expect(wallRequests().length).toBe(before);
  });

  it('says politely that an unknown wall is not available: no heading, no list, nothing technical', async () => {
    const status = page.locator('#missing').getByRole('status');
    expect(await status.textContent()).toBe(UNAVAILABLE);
    expect(await page.locator('#missing .wall').getAttribute('aria-busy')).toBe('false');
    expect(await page.locator('#missing h2, #missing ul').count()).toBe(0);
    expect(await page.locator('#missing').evaluate((node) => node.shadowRoot?.textContent)).toBe(UNAVAILABLE);
  });

  it('fetches again when wall-id changes, and changes theme without a request', async () => {
    await page.locator('#missing').evaluate((node) => node.setAttribute('wall-id', 'second'));
    await page.locator('#missing h2').getByText('Loved by teams').waitFor();
    expect(wallRequests().filter((path) => path === '/v1/walls/second')).toHaveLength(1);
    expect(await page.locator('#missing .name').textContent()).toBe('Ben O.');

    const before = wallRequests().length;
    await page.locator('#main').evaluate((node) => node.setAttribute('theme', 'dark'));
    await page.waitForFunction(() => {
      const frame = document.getElementById('main')?.shadowRoot?.querySelector('.wall');
      return frame !== null && frame !== undefined && getComputedStyle(frame).backgroundColor === 'rgb(13, 17, 23)';
    });
    expect(await computed('#main .wall', 'color')).toBe('rgb(240, 246, 252)');
    expect(await computed('#main figure', 'background-color')).toBe('rgb(21, 27, 35)');
    expect(wallRequests().length).toBe(before);
    expect(await page.locator('#main li').count()).toBe(2);
  });

  it('lays the cards out in columns on a wide page and in one column on a 375px phone', async () => {
    const boxes = async () => Promise.all([0, 1].map(async (index) => (await page.locator('#main li').nth(index).boundingBox()) ?? { x: Number.NaN, y: Number.NaN, width: 0, height: 0 }));
    const [wideFirst, wideSecond] = await boxes();
    expect(wideSecond?.y).toBe(wideFirst?.y);
    expect(wideSecond?.x).toBeGreaterThan((wideFirst?.x ?? 0) + (wideFirst?.width ?? 0));

    const directory = process.env.BROWSER_SCREENSHOTS ? resolve(process.env.BROWSER_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'wall-widget-'));
    await mkdir(directory, { recursive: true });
    // The hostile page with its walls: dark, light, the scrolled region and the one that had avatars.
    await page.screenshot({ path: join(directory, 'wall-widget.png'), fullPage: true });

    await page.setViewportSize({ width: 375, height: 800 });
    const [narrowFirst, narrowSecond] = await boxes();
    expect(narrowSecond?.x).toBe(narrowFirst?.x);
    expect(narrowSecond?.y).toBeGreaterThanOrEqual((narrowFirst?.y ?? 0) + (narrowFirst?.height ?? 0));
    expect((await page.locator('#main').boundingBox())?.width).toBeLessThanOrEqual(375);
  });

  it('logged nothing: no console error but the browser’s own note of the unknown wall’s 404, no exception', () => {
    const expected = (message: ConsoleMessage) => /status of 404/.test(message.text()) && message.location().url === `${api.origin}/v1/walls/missing`;
    expect(problems.filter((message) => !expected(message)).map((message) => message.text())).toEqual([]);
    expect(problems.filter(expected)).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
