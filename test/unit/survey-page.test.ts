import { createHash } from 'node:crypto';
import { chooseLanguage, ENGLISH, renderSurveyPage, type SurveyPageInput } from '../../functions/feedback/domain/page';
import { escapeHtml } from '../../shared/http/html-page';
import { MAX_COMMENT_LENGTH } from '../../functions/feedback/domain/survey';

const TOKEN = 'sv_abcdefghijklmnop.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHI';
const open = (extra: Partial<SurveyPageInput> = {}) => renderSurveyPage({ state: 'open', kind: 'nps', token: TOKEN, strings: {}, ...extra });

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inline = (html: string, element: 'script' | 'style') => [...html.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))].map((match) => match[1] as string);
const directives = (csp: string) => new Map(csp.split(';').map((directive) => directive.trim().split(/\s+/) as [string, ...string[]]).map(([name, ...values]) => [name, values]));
const radios = (html: string) => [...html.matchAll(/<input type="radio" name="score" value="(\d+)"/g)].map((match) => Number(match[1]));
const langOf = (html: string) => /<html lang="([^"]*)">/.exec(html)?.[1];

describe('the survey response page', () => {
  it('offers 0–10 for NPS and 1–5 for CSAT as radios in a fieldset with the question as its legend, and the anchors', () => {
    const nps = open();
    expect(radios(nps.html)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(nps.html).toContain(`<legend>${ENGLISH.question}</legend>`);
    expect(nps.html).toMatch(/<fieldset>[\s\S]*<legend>[\s\S]*type="radio"[\s\S]*<\/fieldset>/);
    expect(nps.html).toContain('<span id="low">0: Not at all likely</span>');
    expect(nps.html).toContain('<span id="high">10: Extremely likely</span>');
    expect(nps.html).toContain('value="0" required aria-describedby="low"');
    expect(nps.html).toContain('value="10" required aria-describedby="high"');

    const csat = open({ kind: 'csat' });
    expect(radios(csat.html)).toEqual([1, 2, 3, 4, 5]);
    expect(csat.html).toContain(`<legend>${ENGLISH.csatQuestion}</legend>`);
    expect(csat.html).toContain('<span id="low">1: Very unsatisfied</span>');
    expect(csat.html).toContain('<span id="high">5: Very satisfied</span>');
  });

  it('has a labelled comment box of at most MAX_COMMENT_LENGTH, a submit button and a polite status region', () => {
    const { html } = open();
    expect(html).toContain(`<label for="comment">${escapeHtml(ENGLISH.commentLabel)}</label>`);
    expect(html).toContain(`<textarea id="comment" name="comment" rows="4" maxlength="${MAX_COMMENT_LENGTH}"></textarea>`);
    expect(html).toContain('<button type="submit">Send</button>');
    expect(html).toContain('<p id="status" role="status" aria-live="polite"></p>');
    expect(langOf(html)).toBe('en');
    expect(Buffer.byteLength(html)).toBeLessThan(8 * 1024);
    expect(Buffer.byteLength(open({ kind: 'csat' }).html)).toBeLessThan(8 * 1024);
  });

  it('answers 200, 200, 410 and 404 for open, answered, expired and unknown links, with a short message page', () => {
    expect(open().status).toBe(200);
    const answered = renderSurveyPage({ state: 'answered', strings: {} });
    const expired = renderSurveyPage({ state: 'expired', strings: {} });
    const notFound = renderSurveyPage({ state: 'not-found', strings: {} });
    expect([answered.status, expired.status, notFound.status]).toEqual([200, 410, 404]);
    expect(answered.html).toContain(`<p>${ENGLISH.answered}</p>`);
    expect(expired.html).toContain(`<p>${ENGLISH.expired}</p>`);
    expect(notFound.html).toContain(`<p>${ENGLISH.notFound}</p>`);
    for (const page of [answered, expired, notFound]) {
      expect(page.html).not.toContain('<script');
      expect(page.html).not.toContain('<form');
      expect(directives(page.headers['content-security-policy'] as string).has('script-src')).toBe(false);
    }
    expect(() => renderSurveyPage({ state: 'open', strings: {} })).toThrow(/token/);
  });

  it('sends the security headers on every page: a CSP of hashes only, no referrer, no caching, HTML in UTF-8', () => {
    for (const page of [open(), renderSurveyPage({ state: 'not-found', strings: {} })]) {
      expect(page.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
      const csp = directives(page.headers['content-security-policy'] as string);
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.get('form-action')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      for (const values of csp.values()) expect(values.join(' ')).not.toMatch(/unsafe|\*|https?:|data:/);
    }
  });

  it("allows exactly the page's one inline script and one inline style by their SHA-256, and connections to its own origin", () => {
    const { html, headers } = open();
    const csp = directives(headers['content-security-policy'] as string);
    const scripts = inline(html, 'script');
    const styles = inline(html, 'style');
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(csp.get('script-src')).toEqual([hash(scripts[0] as string)]);
    expect(csp.get('style-src')).toEqual([hash(styles[0] as string)]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    // No inline event handlers or style attributes, which a hash does not allow.
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=/);
    // The script is the same text whatever the page carries: nothing of the request is interpolated into it.
    const other = open({ kind: 'csat', token: 'x</script><script>alert(1)</script>', strings: { de: { thanks: '</script>' } }, acceptLanguage: 'de' });
    expect(inline(other.html, 'script')).toEqual(scripts);
    expect(other.headers['content-security-policy']).toBe(headers['content-security-policy']);
  });

  it('escapes every interpolated text and the token, which reaches the script only through a data attribute', () => {
    const hostile = `<script>alert("x")</script>&'`;
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';
    const strings = { en: { question: hostile, low: hostile, high: hostile, commentLabel: hostile, submit: hostile, thanks: hostile } };
    const { html } = open({ token: `"><script>alert(1)</script>`, strings });
    expect(html).toContain(`<legend>${escaped}</legend>`);
    expect(html).toContain(`<title>${escaped}</title>`);
    expect(html).toContain(`<button type="submit">${escaped}</button>`);
    expect(html).toContain(`data-thanks="${escaped}"`);
    expect(html).toContain('data-token="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script>\s*alert/);

    for (const state of ['answered', 'expired'] as const) {
      const page = renderSurveyPage({ state, strings: { en: { answered: hostile, expired: hostile } } });
      expect(page.html).toContain(`<p>${escaped}</p>`);
      expect(page.html).not.toContain('<script');
    }
    expect(renderSurveyPage({ state: 'open', kind: 'nps', token: TOKEN, strings: { 'fr-CA': {} }, acceptLanguage: 'fr-CA' }).html).toContain('<html lang="fr-CA">');
  });

  it('escapes &, <, >, " and \' and nothing else', () => {
    expect(escapeHtml(`a&b<c>d"e'f — ü`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f — ü');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  describe('language', () => {
    const strings = {
      de: { question: 'Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?', submit: 'Senden' },
      fr: { question: 'Quelle est la probabilité que vous nous recommandiez ?', submit: 'Envoyer', thanks: 'Merci !' },
      'fr-CA': { submit: 'Soumettre' },
    };

    it('chooses by the q order: the exact tag, then its base language; "en" and unknown languages are English', () => {
      const available = Object.keys(strings);
      expect(chooseLanguage(undefined, available)).toBe('en');
      expect(chooseLanguage('', available)).toBe('en');
      expect(chooseLanguage('de', available)).toBe('de');
      expect(chooseLanguage('de-AT,de;q=0.9', available)).toBe('de');
      expect(chooseLanguage('fr-CA', available)).toBe('fr-CA');
      expect(chooseLanguage('fr-ca', available)).toBe('fr-CA');
      expect(chooseLanguage('fr-BE', available)).toBe('fr');
      expect(chooseLanguage('ja, de;q=0.5', available)).toBe('de');
      expect(chooseLanguage('en-GB, de;q=0.8', available)).toBe('en');
      expect(chooseLanguage('de;q=0.3, fr;q=0.7', available)).toBe('fr');
      expect(chooseLanguage('fr;q=0, de;q=0.1', available)).toBe('de');
      expect(chooseLanguage('*', available)).toBe('en');
      expect(chooseLanguage('"><script>, de', available)).toBe('de');
      expect(chooseLanguage('fr-CA', ['fr'])).toBe('fr');
      expect(chooseLanguage('fr', ['fr-CA'])).toBe('en');
    });

    it('renders the chosen language over English: the exact tag over its base language, its lang attribute set', () => {
      const german = open({ strings, acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8' });
      expect(langOf(german.html)).toBe('de');
      expect(german.html).toContain(`<legend>${strings.de.question}</legend>`);
      expect(german.html).toContain('<button type="submit">Senden</button>');
      expect(german.html).toContain(`data-thanks="${escapeHtml(ENGLISH.thanks)}"`);

      const canadian = open({ strings, acceptLanguage: 'fr-CA' });
      expect(langOf(canadian.html)).toBe('fr-CA');
      expect(canadian.html).toContain('<button type="submit">Soumettre</button>');
      expect(canadian.html).toContain(`<legend>${escapeHtml(strings.fr.question)}</legend>`);
      expect(canadian.html).toContain('data-thanks="Merci !"');

      const english = open({ strings, acceptLanguage: 'ja' });
      expect(langOf(english.html)).toBe('en');
      expect(english.html).toContain(`<legend>${ENGLISH.question}</legend>`);
    });

    it('localizes the answered and expired pages; the not-found text stays English and says so', () => {
      const de = { de: { answered: 'Sie haben bereits geantwortet.', expired: 'Dieser Link ist abgelaufen.' } };
      const answered = renderSurveyPage({ state: 'answered', strings: de, acceptLanguage: 'de' });
      expect([langOf(answered.html), answered.html.includes('<p>Sie haben bereits geantwortet.</p>')]).toEqual(['de', true]);
      expect(renderSurveyPage({ state: 'expired', strings: de, acceptLanguage: 'de' }).html).toContain('<p>Dieser Link ist abgelaufen.</p>');
      expect(renderSurveyPage({ state: 'not-found', strings: de, acceptLanguage: 'de' }).html).toContain(`<p lang="en">${ENGLISH.notFound}</p>`);
      expect(renderSurveyPage({ state: 'not-found', strings: de }).html).toContain(`<p>${ENGLISH.notFound}</p>`);
    });
  });
});
