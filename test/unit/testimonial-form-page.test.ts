import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import {
  CONSENT_VERSIONS,
  consentTexts,
  CURRENT_CONSENT_VERSION,
  renderTestimonialForm,
  TESTIMONIAL_LIMITS,
  type FormPageInput,
} from '../../functions/testimonials/domain/form-page';

const TOKEN = 'tr_abcdefghijklmnop.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHI';
const HOSTILE = `"><script>alert(1)</script>&'`;
const HOSTILE_ESCAPED = '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;';
const open = (extra: Partial<FormPageInput> = {}) => renderTestimonialForm({ state: 'open', token: TOKEN, ...extra });

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inline = (html: string, element: 'script' | 'style') => [...html.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))].map((match) => match[1] as string);
const directives = (csp: string) => new Map(csp.split(';').map((directive) => directive.trim().split(/\s+/) as [string, ...string[]]).map(([name, ...values]) => [name, values]));
const langOf = (html: string) => /<html lang="([^"]*)">/.exec(html)?.[1];
const unescapeHtml = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const radiosNamed = (html: string, name: string) => [...html.matchAll(new RegExp(`<input type="radio" name="${name}" value="([^"]+)"[^>]*>`, 'g'))];
const csp = (headers: Record<string, string>) => headers['content-security-policy'] as string;

describe('the testimonial request page', () => {
  it('answers 200 for an open link, 410 for a submitted, expired or revoked one and 404 for an unknown one', () => {
    expect(open().status).toBe(200);
    const statuses = (['submitted', 'expired', 'revoked', 'not-found'] as const).map((state) => renderTestimonialForm({ state }).status);
    expect(statuses).toEqual([410, 410, 410, 404]);
    expect(renderTestimonialForm({ state: 'submitted' }).html).toContain('<p>You have already sent your testimonial. Thank you!</p>');
    for (const state of ['submitted', 'expired', 'revoked', 'not-found'] as const) {
      const page = renderTestimonialForm({ state, token: TOKEN });
      expect(page.html).not.toContain('<script');
      expect(page.html).not.toContain('<form');
      expect(page.html).not.toContain(TOKEN);
      expect(directives(csp(page.headers)).has('script-src')).toBe(false);
    }
    const messages = new Set((['submitted', 'expired', 'revoked', 'not-found'] as const).map((state) => /<p>(.*)<\/p>/.exec(renderTestimonialForm({ state }).html)?.[1]));
    expect(messages.size).toBe(4);
    expect(() => renderTestimonialForm({ state: 'open' })).toThrow(/token/);
  });

  it('sends the security headers on every page: a CSP of hashes only, no referrer, no caching, no sniffing, HTML in UTF-8', () => {
    for (const page of [open(), renderTestimonialForm({ state: 'expired' })]) {
      expect(page.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      const policy = directives(csp(page.headers));
      for (const name of ['default-src', 'form-action', 'frame-ancestors', 'base-uri']) expect(policy.get(name)).toEqual(["'none'"]);
      for (const values of policy.values()) expect(values.join(' ')).not.toMatch(/unsafe|\*|https?:|data:|blob:|nonce-/);
    }
  });

  it("allows exactly the page's one inline script and one inline style by their SHA-256, and connections to its own origin", () => {
    const { html, headers } = open();
    const policy = directives(csp(headers));
    const scripts = inline(html, 'script');
    const styles = inline(html, 'style');
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(policy.get('script-src')).toEqual([hash(scripts[0] as string)]);
    expect(policy.get('style-src')).toEqual([hash(styles[0] as string)]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    // Nothing a hash does not cover: no inline handlers, style attributes or javascript: URLs.
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=|javascript:/i);
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('serves the same script text and CSP whatever the token, prefill or language', () => {
    const first = open();
    const others = [
      open({ token: HOSTILE, prefill: { displayName: '</script><script>alert(1)</script>' } }),
      open({ token: 'x', prefill: { displayName: 'Ada & Co' }, acceptLanguage: 'de' }),
    ];
    for (const other of others) {
      expect(inline(other.html, 'script')).toEqual(inline(first.html, 'script'));
      expect(csp(other.headers)).toBe(csp(first.headers));
    }
    expect(inline(first.html, 'script')[0]).not.toContain(TOKEN);
  });

  it('escapes the token and the prefilled name, which reach the script only through attributes', () => {
    const { html } = open({ token: HOSTILE, prefill: { displayName: HOSTILE } });
    expect(html).toContain(`data-token="${HOSTILE_ESCAPED}"`);
    expect(html).toContain(`value="${HOSTILE_ESCAPED}"`);
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script>/g)).toHaveLength(1);
    // Outside the one script, no raw quote or angle bracket of the input survives.
    expect(html.replace(/<script>[\s\S]*<\/script>/, '')).not.toContain('alert(1)</script>');

    const ampersand = open({ token: 'a&b', prefill: { displayName: `O'Brien & "Sons"` } }).html;
    expect(ampersand).toContain('data-token="a&amp;b"');
    expect(ampersand).toContain('value="O&#39;Brien &amp; &quot;Sons&quot;"');
    expect(open().html).not.toMatch(/id="displayName"[^>]*value=/);
  });

  it('offers the rating 1–5 as a required radio group, each named "n out of 5", in a fieldset with a legend', () => {
    const { html } = open();
    const ratings = radiosNamed(html, 'rating');
    expect(ratings.map((match) => match[1])).toEqual(['1', '2', '3', '4', '5']);
    for (const [radio] of ratings) expect(radio).toContain(' required');
    expect(html).toContain('<label><input type="radio" name="rating" value="4" required> <span aria-hidden="true">★★★★</span> 4 out of 5</label>');
    expect(html).toMatch(/<fieldset id="rating-group" role="radiogroup" aria-labelledby="rating-legend"[^>]*>\n<legend id="rating-legend">[^<]+<\/legend>[\s\S]*?value="5"[\s\S]*?<\/fieldset>/);
    expect(html).not.toMatch(/\schecked/);
  });

  it("offers the current consent version's three texts, none preselected, all required, and carries the version number", () => {
    const texts = consentTexts(CURRENT_CONSENT_VERSION);
    expect(texts).toBeDefined();
    const { html } = open();
    const choices = radiosNamed(html, 'consent');
    expect(choices.map((match) => match[1])).toEqual(['public', 'anonymous', 'private']);
    for (const choice of ['public', 'anonymous', 'private'] as const) {
      expect(html).toContain(`<label><input type="radio" name="consent" value="${choice}" required> ${texts?.[choice]}</label>`);
    }
    expect(html).toContain(`data-consent-version="${CURRENT_CONSENT_VERSION}"`);
    expect(html).toMatch(/<fieldset id="consent-group" role="radiogroup"[^>]*>\n<legend id="consent-legend">[^<]+<\/legend>/);
  });

  it('keeps every consent version, the current one last, and finds each by number', () => {
    expect(CONSENT_VERSIONS.length).toBeGreaterThan(0);
    expect(CURRENT_CONSENT_VERSION).toBe(CONSENT_VERSIONS.at(-1)?.version);
    expect(new Set(CONSENT_VERSIONS.map((entry) => entry.version)).size).toBe(CONSENT_VERSIONS.length);
    expect(consentTexts(1)).toEqual({
      public: 'You may publish my testimonial with my name, title and company.',
      anonymous: 'You may publish my testimonial without my name.',
      private: 'Keep my testimonial private: for the team only, never published.',
    });
    expect(consentTexts(0)).toBeUndefined();
    expect(consentTexts(CURRENT_CONSENT_VERSION + 1)).toBeUndefined();
    expect(Object.isFrozen(CONSENT_VERSIONS[0]?.texts)).toBe(true);
  });

  it('labels every control, with the limits as maxlength, an https-only URL field and a polite status region', () => {
    const { html } = open();
    const controls = [...html.matchAll(/<(input|textarea)\b[^>]*>/g)].map((match) => match[0]);
    expect(controls.length).toBe(5 + 5 + 3);
    for (const control of controls) {
      const id = /\sid="([^"]+)"/.exec(control)?.[1];
      if (id !== undefined) {
        expect(html).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
        expect(control).toContain(`aria-describedby="${id}-error"`);
        expect(html).toContain(`<span id="${id}-error" class="error"></span>`);
      } else {
        // A radio has no id: it sits inside its label, followed by words.
        expect(html).toMatch(new RegExp(`<label(?: lang="en")?>${control.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} [^<]*(<span aria-hidden="true">[^<]*</span> )?[^<]+</label>`));
      }
    }
    expect(html).toContain(`<textarea id="text" name="text" rows="6" required maxlength="${TESTIMONIAL_LIMITS.textMax}" aria-describedby="text-error"></textarea>`);
    expect(html).toMatch(new RegExp(`<input id="displayName" name="displayName" required maxlength="${TESTIMONIAL_LIMITS.displayNameMax}"`));
    expect(html).toMatch(new RegExp(`<input id="title" name="title" maxlength="${TESTIMONIAL_LIMITS.titleMax}"`));
    expect(html).toMatch(new RegExp(`<input id="company" name="company" maxlength="${TESTIMONIAL_LIMITS.companyMax}"`));
    expect(html).toMatch(new RegExp(`<input id="avatarUrl" name="avatarUrl" type="url" maxlength="${TESTIMONIAL_LIMITS.avatarUrlMax}"`));
    for (const optional of ['title', 'company', 'avatarUrl']) expect(html).not.toMatch(new RegExp(`id="${optional}"[^>]* required`));
    expect(html).toContain('<button type="submit">');
    expect(html).toContain('<p id="status" role="status" aria-live="polite"></p>');
    expect(TESTIMONIAL_LIMITS).toEqual({ textMin: 1, textMax: 2000, displayNameMax: 80, titleMax: 80, companyMax: 80, avatarUrlMax: 500 });
    expect(Buffer.byteLength(html)).toBeLessThan(16 * 1024);
  });

  it('loads nothing from anywhere: no URLs to other hosts, no src, href, @import or url()', () => {
    for (const page of [open(), open({ acceptLanguage: 'de' }), renderTestimonialForm({ state: 'not-found' })]) {
      expect(page.html).not.toMatch(/(https?:)?\/\/[a-z0-9-]+(\.[a-z0-9-]+)+/i);
      expect(page.html).not.toMatch(/\s(src|href|srcset|action|poster|data)=/i);
      expect(page.html).not.toMatch(/<(link|img|iframe|object|embed|video|audio|source|picture|svg)\b/i);
      for (const style of inline(page.html, 'style')) expect(style).not.toMatch(/@import|url\(|@font-face/i);
    }
  });

  describe('language', () => {
    it('is English by default, for English and for languages it has no texts for', () => {
      for (const acceptLanguage of [undefined, '', 'en-GB', 'ja, fr;q=0.5', '*', '"><script>']) {
        const { html } = open({ acceptLanguage });
        expect(langOf(html)).toBe('en');
        expect(html).toContain('<label><input type="radio" name="consent" value="public" required>');
      }
    });

    it('is German for de and its regions, by the q order, with the English consent wording marked as English', () => {
      for (const acceptLanguage of ['de', 'de-AT', 'ja, de;q=0.5', 'en;q=0.3, de-CH;q=0.8', 'de;q=1, en;q=0.9']) expect(langOf(open({ acceptLanguage }).html)).toBe('de');
      expect(langOf(open({ acceptLanguage: 'de;q=0, en' }).html)).toBe('en');
      expect(langOf(open({ acceptLanguage: 'en, de;q=0.9' }).html)).toBe('en');

      const german = open({ acceptLanguage: 'de-DE' }).html;
      expect(german).toContain('4 von 5</label>');
      expect(german).toContain(`<label lang="en"><input type="radio" name="consent" value="private" required> ${consentTexts(CURRENT_CONSENT_VERSION)?.private}</label>`);
      expect(german).not.toContain('out of 5');
      for (const state of ['submitted', 'expired', 'revoked', 'not-found'] as const) {
        const page = renderTestimonialForm({ state, acceptLanguage: 'de' });
        expect(langOf(page.html)).toBe('de');
        expect(page.html).not.toContain(renderTestimonialForm({ state }).html.match(/<p>(.*)<\/p>/)?.[1]);
      }
    });
  });
});

/**
 * The page's script run without a browser: a fake of just the DOM it touches, built from the page's own ids and data
 * attributes, so a script asking for an id the page lacks fails here. Real focus, constraint validation and layout are
 * the browser tier's.
 */
describe("the page's script", () => {
  interface FakeElement {
    readonly id: string;
    textContent: string;
    hidden: boolean;
    disabled: boolean;
    readonly attributes: Map<string, string>;
    readonly dataset: Record<string, string>;
    setAttribute(name: string, value: string): void;
    removeAttribute(name: string): void;
    getAttribute(name: string): string | null;
    querySelector(selector: string): FakeElement | null;
    focus(): void;
    addEventListener(type: string, listener: (event: unknown) => Promise<void>): void;
    elements: { namedItem(name: string): { value: string } };
  }
  interface Sent {
    readonly url: string;
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly body: Record<string, unknown>;
    readonly buttonDisabled: boolean;
    readonly status: string;
  }
  type Reply = { status: number; body?: unknown } | 'network-error' | 'not-json';

  function load(page: string, values: Record<string, string>, replies: Reply[]) {
    const elements = new Map<string, FakeElement>();
    let submit: ((event: unknown) => Promise<void>) | undefined;
    let focused: string | undefined;
    const sent: Sent[] = [];
    const element = (id: string, tag: string, attributes: string): FakeElement => {
      const dataset = Object.fromEntries(
        [...attributes.matchAll(/\sdata-([a-z-]+)="([^"]*)"/g)].map(([, name = '', value = '']) => [name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()), unescapeHtml(value)]),
      );
      const fake: FakeElement = {
        id,
        textContent: '',
        hidden: false,
        disabled: false,
        attributes: new Map(),
        dataset,
        setAttribute: (name, value) => void fake.attributes.set(name, value),
        removeAttribute: (name) => void fake.attributes.delete(name),
        getAttribute: (name) => fake.attributes.get(name) ?? null,
        querySelector: (selector) => {
          if (tag === 'form' && selector === 'button') return elements.get('button') ?? null;
          return null;
        },
        focus: () => void (focused = id),
        addEventListener: (type, listener) => {
          if (type === 'submit') submit = listener;
        },
        elements: {
          namedItem: (name) => {
            if (!new RegExp(`\\sname="${name}"`).test(page)) throw new Error(`the page has no control named ${name}`);
            return { value: values[name] ?? '' };
          },
        },
      };
      return fake;
    };
    for (const [, tag = '', before = '', id = '', after = ''] of page.matchAll(/<([a-z]+)\b([^>]*)\sid="([^"]+)"([^>]*)>/g)) elements.set(id, element(id, tag, before + after));
    expect(page).toContain('<button type="submit">');
    elements.set('button', element('button', 'button', ''));

    const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
      sent.push({
        url,
        method: init.method,
        headers: init.headers,
        body: JSON.parse(init.body) as Record<string, unknown>,
        buttonDisabled: elements.get('button')?.disabled ?? false,
        status: elements.get('status')?.textContent ?? '',
      });
      const reply = replies.shift();
      if (reply === undefined || reply === 'network-error') throw new TypeError('Failed to fetch');
      if (reply === 'not-json') return { ok: false, status: 502, json: async () => JSON.parse('<html>') as unknown };
      return { ok: reply.status >= 200 && reply.status < 300, status: reply.status, json: async () => reply.body };
    };
    runInNewContext(inline(page, 'script')[0] as string, { document: { getElementById: (id: string) => elements.get(id) ?? null }, fetch, URL });
    const get = (id: string) => {
      const found = elements.get(id);
      if (found === undefined) throw new Error(`no element ${id}`);
      return found;
    };
    return {
      sent,
      get,
      focused: () => focused,
      invalid: () => [...elements.values()].filter((each) => each.getAttribute('aria-invalid') === 'true').map((each) => each.id),
      submit: async () => {
        if (submit === undefined) throw new Error('the script registered no submit listener');
        let prevented = false;
        await submit({ preventDefault: () => void (prevented = true) });
        expect(prevented).toBe(true);
      },
    };
  }

  const REQUIRED = { rating: '4', text: '  Great service, would recommend.  ', displayName: ' Ada Lovelace ', consent: 'public' };
  const PAGE = open().html;
  const data = (name: string) => unescapeHtml(new RegExp(`data-${name}="([^"]*)"`).exec(PAGE)?.[1] ?? '');

  it('posts the required fields, trimmed, as JSON to the testimonials endpoint, omitting empty optional ones', async () => {
    const page = load(PAGE, { ...REQUIRED, title: '   ', company: '' }, [{ status: 201, body: { testimonialId: 't1', status: 'pending' } }]);
    await page.submit();
    expect(page.sent).toHaveLength(1);
    const [request] = page.sent;
    expect(new URL(request?.url ?? '', `https://shop.example/t/${TOKEN}`).href).toBe('https://shop.example/v1/testimonials');
    expect(request?.method).toBe('POST');
    expect(request?.headers).toEqual({ 'content-type': 'application/json' });
    expect(request?.body).toEqual({ token: TOKEN, rating: 4, text: 'Great service, would recommend.', displayName: 'Ada Lovelace', consent: 'public', consentVersion: CURRENT_CONSENT_VERSION });
    expect([request?.buttonDisabled, request?.status]).toEqual([true, data('sending')]);
    expect(page.get('testimonial').hidden).toBe(true);
    expect(page.get('status').textContent).toBe('Thank you! Your testimonial will appear once our team has reviewed it.');
  });

  it('sends the optional fields when given, and thanks a private testimonial differently', async () => {
    const optional = { title: 'Countess', company: 'Analytical Engines', avatarUrl: 'https://images.example/ada.png' };
    const page = load(PAGE, { ...REQUIRED, ...optional, consent: 'private' }, [{ status: 201, body: { testimonialId: 't2', status: 'pending' } }]);
    await page.submit();
    expect(page.sent[0]?.body).toMatchObject({ ...optional, consent: 'private' });
    expect(page.get('status').textContent).toBe('Thank you! Your testimonial stays private to our team.');
  });

  it('carries a hostile token through unchanged', async () => {
    const page = load(open({ token: HOSTILE }).html, REQUIRED, [{ status: 201, body: {} }]);
    await page.submit();
    expect(page.sent[0]?.body.token).toBe(HOSTILE);
  });

  it('refuses a photo link that is not https before sending anything', async () => {
    for (const avatarUrl of ['http://images.example/ada.png', 'ftp://images.example/ada.png', 'not a url']) {
      const page = load(PAGE, { ...REQUIRED, avatarUrl }, [{ status: 201, body: {} }]);
      await page.submit();
      expect(page.sent).toHaveLength(0);
      expect(page.invalid()).toEqual(['avatarUrl']);
      expect(page.get('avatarUrl-error').textContent).toBe(data('https-only'));
      expect(page.focused()).toBe('avatarUrl');
      expect(page.get('button').disabled).toBe(false);
    }
  });

  it("shows a problem's detail and marks each field its errors point at, then clears them on the next try", async () => {
    const problem = {
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'The testimonial is not valid.',
      errors: [
        { pointer: '/text', detail: 'Required' },
        { pointer: '/consent', detail: 'Choose one' },
        { pointer: '/text', detail: 'Too short' },
        { pointer: '/token', detail: 'Not a field on the page' },
        { pointer: '/__proto__', detail: 'Nor this' },
        null,
      ],
    };
    const page = load(PAGE, REQUIRED, [{ status: 422, body: problem }, { status: 201, body: {} }]);
    await page.submit();
    expect(page.get('status').textContent).toBe('The testimonial is not valid.');
    expect(page.invalid()).toEqual(['text', 'consent-group']);
    expect(page.get('text-error').textContent).toBe('Required Too short');
    expect(page.get('consent-error').textContent).toBe('Choose one');
    expect(page.focused()).toBe('text');
    expect(page.get('button').disabled).toBe(false);
    expect(page.get('testimonial').hidden).toBe(false);

    await page.submit();
    expect(page.invalid()).toEqual([]);
    expect(page.get('text-error').textContent).toBe('');
    expect(page.get('testimonial').hidden).toBe(true);
  });

  it('marks a radio group as a whole when the rating is refused', async () => {
    const page = load(PAGE, REQUIRED, [{ status: 400, body: { title: 'Bad Request', status: 400, detail: 'Invalid', errors: [{ pointer: '/rating', detail: 'From 1 to 5' }] } }]);
    await page.submit();
    expect(page.invalid()).toEqual(['rating-group']);
    expect(page.get('rating-error').textContent).toBe('From 1 to 5');
    expect(page.focused()).toBe('rating-group');
  });

  it('on 410 hides the form and shows the title and detail: the link was used or has expired meanwhile', async () => {
    const page = load(PAGE, REQUIRED, [{ status: 410, body: { type: 'about:blank', title: 'Link already used', status: 410, detail: 'This testimonial link was already used.' } }]);
    await page.submit();
    expect(page.get('testimonial').hidden).toBe(true);
    expect(page.get('status').textContent).toBe('Link already used — This testimonial link was already used.');
  });

  it('falls back to its own error text when the network fails or the answer is not a problem', async () => {
    for (const reply of ['network-error', 'not-json', { status: 500, body: null }, { status: 503, body: { detail: 42 } }] as const) {
      const page = load(PAGE, REQUIRED, [reply]);
      await page.submit();
      expect(page.get('status').textContent).toBe(data('error'));
      expect(page.get('button').disabled).toBe(false);
      expect(page.get('testimonial').hidden).toBe(false);
      expect(page.invalid()).toEqual([]);
    }
  });
});
