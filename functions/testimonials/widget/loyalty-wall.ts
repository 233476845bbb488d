/// <reference lib="dom" />
/**
 * The wall-of-love widget, browser code: `<loyalty-wall wall-id="default"></loyalty-wall>` after
 * `<script type="module" src="https://<api-host>/widget/loyalty-wall.js"></script>`.
 *
 * It renders a wall's public testimonials (GET /v1/walls/{wallId}) into an open shadow root, so the host page's CSS
 * cannot restyle or hide it. Attributes (each change is applied; only `wall-id` and `api-base` fetch again):
 * - `wall-id`: the wall to show (default "default");
 * - `api-base`: where the API is (default: the origin this script was loaded from — set it when the script is hosted
 *   elsewhere, e.g. dist/widget/loyalty-wall.js on a CDN);
 * - `theme`: "light" (default) or "dark";
 * - `avatars`: only when present are avatar images loaded. They are customer-provided URLs on other hosts, and by
 *   default the widget makes no request to anyone but the API (initials are shown instead).
 * Custom properties the host page may set on the element: --loyalty-wall-accent, --loyalty-wall-font and
 * --loyalty-wall-max-height (the wall scrolls past it, and its scroll region then becomes a keyboard tab stop).
 * The page's CSS cannot hide the element either (see STYLES): to hide it, use the `hidden` attribute or hide a parent.
 *
 * Node never imports this file: build.ts bundles it for browsers into loyalty-wall.generated.ts (see widget-script.ts
 * for why the served script is a generated string). Everything the API sends is written with textContent/Text nodes,
 * never parsed as HTML.
 */

/** One testimonial of GET /v1/walls/{wallId}; `displayName: null` is an anonymous one. */
interface WallEntry {
  readonly rating: number | undefined;
  readonly text: string;
  readonly displayName: string | undefined;
  readonly title: string | undefined;
  readonly company: string | undefined;
  readonly avatarUrl: string | undefined;
  readonly featured: boolean;
}

interface WallContent {
  readonly name: string;
  readonly testimonials: readonly WallEntry[];
}

const ELEMENT_NAME = 'loyalty-wall';
const DEFAULT_WALL_ID = 'default';
const ANONYMOUS_NAME = 'Verified customer';
const MESSAGES = {
  loading: 'Loading testimonials…',
  unavailable: 'Testimonials are not available right now.',
  empty: 'No testimonials yet.',
  featured: 'Featured',
  untitledWall: 'Testimonials',
  rated: (stars: number) => `Rated ${stars} out of 5`,
} as const;
const MAX_STARS = 5;

// A module script has no document.currentScript; import.meta.url is where it was loaded from, i.e. the API when the
// API serves it (/widget/loyalty-wall.js).
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

/*
 * `:host` takes `all: initial !important`: in the cascade an !important declaration of the shadow tree beats the
 * page's !important ones on the host element (a normal one would lose, e.g. to `* { display: inline !important }`),
 * and nothing is inherited from the page. Sizes are in em of the wall's own 16px, never rem (the page's root
 * font-size). The page's selectors cannot reach inside the shadow root; custom properties do, on purpose.
 */
const STYLES = `
:host{all:initial!important;display:block!important}
:host([hidden]){display:none!important}
.wall{--bg:#fff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--line:#d1d9e0;--accent:var(--loyalty-wall-accent,#0969da);--star:#9a6700;
color-scheme:light;box-sizing:border-box;display:block;padding:1em;border-radius:.75em;background:var(--bg);color:var(--fg);text-align:start;
font:400 16px/1.5 var(--loyalty-wall-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif)}
:host([theme=dark i]) .wall{color-scheme:dark;--bg:#0d1117;--fg:#f0f6fc;--muted:#9198a1;--card:#151b23;--line:#3d444d;--accent:var(--loyalty-wall-accent,#4493f8);--star:#e3b341}
*,::before,::after{box-sizing:inherit}
h2{margin:0 0 .75em;font-size:1.25em;line-height:1.3;font-weight:650}
.scroller{max-height:var(--loyalty-wall-max-height,none);overflow:auto;border-radius:.5em}
.scroller:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
ul{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,17em),1fr));gap:1em;margin:0;padding:0;list-style:none}
li{display:flex;min-width:0}
figure{position:relative;flex:1;display:flex;flex-direction:column;gap:.75em;margin:0;padding:1.25em;border:1px solid var(--line);border-radius:.75em;background:var(--card)}
.featured figure{border:2px solid var(--accent)}
.badge{align-self:flex-start;margin:0;padding:0 .6em;border:1px solid currentColor;border-radius:1em;color:var(--accent);font-size:.75em;font-weight:600;line-height:1.6}
.rating{margin:0;line-height:1}
.stars{color:var(--star);font-size:1.15em;letter-spacing:.1em}
blockquote{flex:1;margin:0;white-space:pre-line;overflow-wrap:anywhere}
blockquote p{margin:0}
figcaption{display:flex;align-items:center;gap:.75em;min-width:0}
.avatar{flex:none;display:grid;place-items:center;width:2.5em;height:2.5em;border-radius:50%;background:var(--line);color:var(--fg);font-size:.9em;font-weight:600;object-fit:cover}
.who{display:flex;flex-direction:column;min-width:0;overflow-wrap:anywhere}
.name{font-weight:600}
.role{color:var(--muted);font-size:.875em}
.status{margin:0;color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

type Children = string | readonly (Node | string)[];

/** An element with attributes and children; a string child becomes a Text node (never markup). */
function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>> = {}, children: Children = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (typeof children === 'string') node.textContent = children;
  else node.append(...children);
  return node;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The wall from the API's JSON, or undefined when it is not one; entries without text are skipped. */
function parseWall(body: unknown): WallContent | undefined {
  if (!isRecord(body) || !Array.isArray(body.testimonials)) return undefined;
  const testimonials = body.testimonials.flatMap((item: unknown): WallEntry[] => {
    if (!isRecord(item)) return [];
    const text = textOf(item.text);
    if (text === undefined) return [];
    const rating = typeof item.rating === 'number' && Number.isFinite(item.rating) ? Math.min(MAX_STARS, Math.max(1, Math.round(item.rating))) : undefined;
    // Anonymous (no name) means nothing that could identify the customer: no title, company or photo either.
    const displayName = textOf(item.displayName);
    const named = displayName !== undefined;
    return [{ rating, text, displayName, title: named ? textOf(item.title) : undefined, company: named ? textOf(item.company) : undefined, avatarUrl: named ? textOf(item.avatarUrl) : undefined, featured: item.featured === true }];
  });
  return { name: textOf(body.name) ?? MESSAGES.untitledWall, testimonials };
}

/** Up to two initials, by code point (an emoji or accented letter stays whole). */
function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, 2)
    .map((word) => Array.from(word)[0] ?? '')
    .join('')
    .toUpperCase();
}

/**
 * The avatar URL the widget may load: https, or the API's own origin (a local API on http). Anything else — http to
 * another host, data:, javascript: — is shown as initials.
 */
function allowedAvatar(url: string | undefined, apiOrigin: string): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.origin === apiOrigin ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function initialsBadge(entry: WallEntry): HTMLElement {
  // Decorative: the name is right next to it.
  return element('span', { class: 'avatar', 'aria-hidden': 'true' }, entry.displayName === undefined ? '✓' : initialsOf(entry.displayName));
}

function avatarOf(entry: WallEntry, avatarUrl: string | undefined): HTMLElement {
  if (avatarUrl === undefined) return initialsBadge(entry);
  // alt="" because the name follows; no referrer, so the photo's host does not learn which page shows it.
  const image = element('img', { class: 'avatar', src: avatarUrl, alt: '', width: '40', height: '40', loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
  image.addEventListener('error', () => image.replaceWith(initialsBadge(entry)), { once: true });
  return image;
}

function card(entry: WallEntry, avatarUrl: string | undefined): HTMLLIElement {
  const parts: Node[] = [];
  // Featured is said in words too, not by the accent border alone.
  if (entry.featured) parts.push(element('p', { class: 'badge' }, MESSAGES.featured));
  if (entry.rating !== undefined) {
    const stars = '★'.repeat(entry.rating) + '☆'.repeat(MAX_STARS - entry.rating);
    parts.push(element('p', { class: 'rating' }, [element('span', { class: 'stars', 'aria-hidden': 'true' }, stars), element('span', { class: 'sr' }, MESSAGES.rated(entry.rating))]));
  }
  parts.push(element('blockquote', {}, [element('p', {}, entry.text)]));
  const role = [entry.title, entry.company].filter((part) => part !== undefined).join(', ');
  const who = element('span', { class: 'who' }, [element('span', { class: 'name' }, entry.displayName ?? ANONYMOUS_NAME), ...(role ? [element('span', { class: 'role' }, role)] : [])]);
  parts.push(element('figcaption', {}, [avatarOf(entry, avatarUrl), who]));
  return element('li', entry.featured ? { class: 'featured' } : {}, [element('figure', {}, parts)]);
}

/** One stylesheet object for every wall on the page. */
let sharedSheet: CSSStyleSheet | undefined;

/**
 * A constructed stylesheet where the browser has them: unlike a <style> element it needs no `style-src
 * 'unsafe-inline'` in the host page's Content-Security-Policy. Older browsers get the <style> element.
 */
function adoptStyles(root: ShadowRoot): void {
  try {
    if (sharedSheet === undefined) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      sharedSheet = sheet;
    }
    root.adoptedStyleSheets = [sharedSheet];
  } catch {
    root.append(element('style', {}, STYLES));
  }
}

class LoyaltyWallElement extends HTMLElement {
  static readonly observedAttributes = ['wall-id', 'api-base', 'theme', 'avatars'];

  private readonly frame: HTMLDivElement;
  /** The last wall shown, the URL it came from and whether with avatars: an `avatars` change re-renders it, no request. */
  private shown: { url: string; wall: WallContent; withAvatars: boolean } | undefined;
  private loading: { url: string; abort: AbortController } | undefined;
  private updateQueued = false;
  private overflowWatch: ResizeObserver | undefined;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    adoptStyles(root);
    this.frame = element('div', { class: 'wall', 'aria-busy': 'false' });
    root.append(this.frame);
  }

  connectedCallback(): void {
    this.queueUpdate();
  }

  disconnectedCallback(): void {
    this.loading?.abort.abort();
    this.loading = undefined;
    this.overflowWatch?.disconnect();
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.queueUpdate();
  }

  /** Attribute changes in one task (a parsed element reports each of its attributes) make one update, one request. */
  private queueUpdate(): void {
    if (this.updateQueued) return;
    this.updateQueued = true;
    queueMicrotask(() => {
      this.updateQueued = false;
      if (this.isConnected) void this.update();
    });
  }

  private apiBase(): URL | undefined {
    try {
      const base = new URL(this.getAttribute('api-base')?.trim() || SCRIPT_ORIGIN, document.baseURI);
      return base.protocol === 'https:' || base.protocol === 'http:' ? base : undefined;
    } catch {
      return undefined;
    }
  }

  private async update(): Promise<void> {
    const base = this.apiBase();
    const wallId = this.getAttribute('wall-id')?.trim() || DEFAULT_WALL_ID;
    // A base with a path (an API Gateway stage, say) keeps it.
    const url = base && `${base.href.replace(/\/+$/, '')}/v1/walls/${encodeURIComponent(wallId)}`;
    const withAvatars = this.hasAttribute('avatars');
    // The theme is CSS alone (:host([theme=dark])): a change of it leaves the cards as they are.
    if (url !== undefined && this.shown?.url === url) {
      if (this.shown.withAvatars !== withAvatars) this.show(this.shown.wall, url, withAvatars);
      return;
    }
    if (url !== undefined && this.loading?.url === url) return;
    this.loading?.abort.abort();
    this.shown = undefined;
    if (url === undefined) {
      this.showStatus(MESSAGES.unavailable, false);
      return;
    }
    const abort = new AbortController();
    this.loading = { url, abort };
    this.showStatus(MESSAGES.loading, true);
    try {
      // A simple GET (no custom header: no CORS preflight), without the visitor's cookies for the API's host.
      // `no-cache`: the browser revalidates its copy with the wall's ETag every time (a 304 when nothing changed)
      // instead of reusing it for the API's max-age=60, so a withdrawn testimonial is gone on the next page view.
      const response = await fetch(url, { credentials: 'omit', cache: 'no-cache', signal: abort.signal });
      const wall = response.ok ? parseWall(await response.json()) : undefined;
      if (abort.signal.aborted) return;
      if (wall === undefined) throw new Error('not a wall');
      this.show(wall, url, this.hasAttribute('avatars'));
    } catch {
      // A 404 (an unknown wall), a network failure or a bad answer: a polite line, nothing in the console.
      if (!abort.signal.aborted) this.showStatus(MESSAGES.unavailable, false);
    } finally {
      if (this.loading?.abort === abort) this.loading = undefined;
    }
  }

  private showStatus(message: string, busy: boolean): void {
    this.overflowWatch?.disconnect();
    this.frame.setAttribute('aria-busy', String(busy));
    this.frame.replaceChildren(element('p', { class: 'status', role: 'status' }, message));
  }

  private show(wall: WallContent, url: string, withAvatars: boolean): void {
    this.shown = { url, wall, withAvatars };
    const apiOrigin = new URL(url).origin;
    const headingId = 'loyalty-wall-heading';
    const heading = element('h2', { id: headingId }, wall.name);
    this.overflowWatch?.disconnect();
    this.frame.setAttribute('aria-busy', 'false');
    if (wall.testimonials.length === 0) {
      this.frame.replaceChildren(heading, element('p', { class: 'status' }, MESSAGES.empty));
      return;
    }
    // role="list" because Safari drops a <ul>'s list semantics once list-style is none.
    const list = element(
      'ul',
      { role: 'list' },
      wall.testimonials.map((entry) => card(entry, withAvatars ? allowedAvatar(entry.avatarUrl, apiOrigin) : undefined)),
    );
    const scroller = element('div', { class: 'scroller', role: 'region', 'aria-labelledby': headingId }, [list]);
    this.frame.replaceChildren(heading, scroller);
    this.watchOverflow(scroller, list);
  }

  /** A region that scrolls must be reachable by keyboard (to scroll it with the arrow keys); one that does not, need not. */
  private watchOverflow(scroller: HTMLElement, list: HTMLElement): void {
    const apply = () => {
      const scrolls = scroller.scrollHeight > scroller.clientHeight + 1 || scroller.scrollWidth > scroller.clientWidth + 1;
      if (scrolls) scroller.setAttribute('tabindex', '0');
      else scroller.removeAttribute('tabindex');
    };
    if (typeof ResizeObserver === 'undefined') {
      apply();
      return;
    }
    this.overflowWatch = new ResizeObserver(apply);
    this.overflowWatch.observe(scroller);
    this.overflowWatch.observe(list);
  }
}

// The script may be on a page twice (two tags, or a CDN copy and the API's): the first one defines the element.
if (!customElements.get(ELEMENT_NAME)) customElements.define(ELEMENT_NAME, LoyaltyWallElement);
