import { acceptedLanguageTags, cspHash, escapeHtml, htmlDocument, pageSecurityPolicy } from '../../../shared/http/html-page';

/**
 * The page a one-time testimonial request link opens (GET /t/{token}), pure: one small HTML document that reads
 * without CSS and works with one inline script, allowed by its hash alone. The script is the same text on every page:
 * what differs (the token, the consent version, the texts) travels in HTML-escaped data attributes, never in script
 * text. Built like the feedback service's survey page, with the same helpers (shared/http/html-page.ts).
 */

/** What the form accepts; the API's schema should use the same numbers so the page never invites a rejection. */
export const TESTIMONIAL_LIMITS = { textMin: 1, textMax: 2000, displayNameMax: 80, titleMax: 80, companyMax: 80, avatarUrlMax: 500 } as const;

export interface ConsentTexts {
  readonly public: string;
  readonly anonymous: string;
  readonly private: string;
}

export interface ConsentVersion {
  readonly version: number;
  readonly texts: ConsentTexts;
}

/**
 * Every wording of the consent choice a customer was ever shown. A testimonial records the version it was given
 * under, so what someone agreed to stays provable: never edit an entry's texts, append a new version instead.
 */
export const CONSENT_VERSIONS: readonly ConsentVersion[] = Object.freeze([
  Object.freeze({
    version: 1,
    texts: Object.freeze({
      public: 'You may publish my testimonial with my name, title and company.',
      anonymous: 'You may publish my testimonial without my name.',
      private: 'Keep my testimonial private: for the team only, never published.',
    }),
  }),
]);

function lastOf(versions: readonly ConsentVersion[]): ConsentVersion {
  const last = versions[versions.length - 1];
  if (last === undefined) throw new Error('CONSENT_VERSIONS needs at least one version');
  return last;
}

const CURRENT_CONSENT = lastOf(CONSENT_VERSIONS);

/** The version the page offers today: the last entry. */
export const CURRENT_CONSENT_VERSION: number = CURRENT_CONSENT.version;

export function consentTexts(version: number): ConsentTexts | undefined {
  return CONSENT_VERSIONS.find((entry) => entry.version === version)?.texts;
}

export type FormPageState = 'open' | 'submitted' | 'expired' | 'revoked' | 'not-found';

export interface FormPageInput {
  readonly state: FormPageState;
  readonly token?: string;
  readonly acceptLanguage?: string;
  readonly prefill?: { readonly displayName?: string };
}

export interface FormPage {
  readonly status: 200 | 404 | 410;
  readonly html: string;
  readonly headers: Record<string, string>;
}

interface PageTexts {
  readonly heading: string;
  readonly ratingLegend: string;
  readonly ratingOption: (rating: number, max: number) => string;
  readonly textLabel: string;
  readonly displayNameLabel: string;
  readonly titleLabel: string;
  readonly companyLabel: string;
  readonly avatarUrlLabel: string;
  readonly consentLegend: string;
  readonly submit: string;
  readonly sending: string;
  readonly error: string;
  readonly httpsOnly: string;
  readonly thanks: string;
  readonly thanksPrivate: string;
  readonly submitted: string;
  readonly expired: string;
  readonly revoked: string;
  readonly notFound: string;
}

/** The page's own texts. The consent labels are not here: they are the versioned English wording on every page. */
const TEXTS = {
  en: {
    heading: 'Share your experience',
    ratingLegend: 'How would you rate your experience?',
    ratingOption: (rating, max) => `${rating} out of ${max}`,
    textLabel: 'Your testimonial',
    displayNameLabel: 'Your name',
    titleLabel: 'Job title (optional)',
    companyLabel: 'Company (optional)',
    avatarUrlLabel: 'Link to a photo of you (optional, https only)',
    consentLegend: 'May we publish your testimonial?',
    submit: 'Send testimonial',
    sending: 'Sending…',
    error: 'Your testimonial could not be sent. Please try again.',
    httpsOnly: 'Please give a link that starts with https://',
    thanks: 'Thank you! Your testimonial will appear once our team has reviewed it.',
    thanksPrivate: 'Thank you! Your testimonial stays private to our team.',
    submitted: 'You have already sent your testimonial. Thank you!',
    expired: 'This testimonial link has expired.',
    revoked: 'This testimonial link has been withdrawn.',
    notFound: 'This testimonial link is not valid.',
  },
  de: {
    heading: 'Erzählen Sie von Ihren Erfahrungen',
    ratingLegend: 'Wie bewerten Sie Ihre Erfahrung?',
    ratingOption: (rating, max) => `${rating} von ${max}`,
    textLabel: 'Ihr Erfahrungsbericht',
    displayNameLabel: 'Ihr Name',
    titleLabel: 'Position (optional)',
    companyLabel: 'Unternehmen (optional)',
    avatarUrlLabel: 'Link zu einem Foto von Ihnen (optional, nur https)',
    consentLegend: 'Dürfen wir Ihren Erfahrungsbericht veröffentlichen?',
    submit: 'Erfahrungsbericht senden',
    sending: 'Wird gesendet…',
    error: 'Ihr Erfahrungsbericht konnte nicht gesendet werden. Bitte versuchen Sie es erneut.',
    httpsOnly: 'Bitte geben Sie einen Link an, der mit https:// beginnt.',
    thanks: 'Vielen Dank! Ihr Erfahrungsbericht erscheint, sobald unser Team ihn geprüft hat.',
    thanksPrivate: 'Vielen Dank! Ihr Erfahrungsbericht bleibt privat für unser Team.',
    submitted: 'Sie haben Ihren Erfahrungsbericht bereits gesendet. Vielen Dank!',
    expired: 'Dieser Link für Ihren Erfahrungsbericht ist abgelaufen.',
    revoked: 'Dieser Link für Ihren Erfahrungsbericht wurde zurückgezogen.',
    notFound: 'Dieser Link für Ihren Erfahrungsbericht ist nicht gültig.',
  },
} as const satisfies Record<string, PageTexts>;

type Language = keyof typeof TEXTS;

const RATINGS = [1, 2, 3, 4, 5] as const;
const MAX_RATING = RATINGS.length;
const CONSENT_CHOICES = ['public', 'anonymous', 'private'] as const;

/**
 * Sends the testimonial as JSON. The URL is relative to the page (/t/{token} → /v1/testimonials), so it stays on the
 * page's origin and behind any path prefix the API is served under. Field names in the HTML are the API's, so a
 * problem's error pointer (/text) names the control to mark (id "text", or "<name>-group" for a radio group).
 */
const SCRIPT = `
{
  const form = document.getElementById('testimonial');
  const status = document.getElementById('status');
  const button = form.querySelector('button');
  const fields = ['rating', 'text', 'displayName', 'title', 'company', 'avatarUrl', 'consent'];
  const optional = ['title', 'company', 'avatarUrl'];
  const control = (name) => document.getElementById(name) || document.getElementById(name + '-group');
  const valueOf = (name) => String(form.elements.namedItem(name).value).trim();
  const said = (value) => (typeof value === 'string' ? value : '');
  const isHttps = (address) => {
    try {
      return new URL(address).protocol === 'https:';
    } catch {
      return false;
    }
  };
  const markInvalid = (name, message) => {
    control(name).setAttribute('aria-invalid', 'true');
    const error = document.getElementById(name + '-error');
    error.textContent = error.textContent ? error.textContent + ' ' + message : message;
  };
  const focusFirstInvalid = () => {
    const first = fields.map(control).find((element) => element.getAttribute('aria-invalid') === 'true');
    if (first) (first.querySelector('input') || first).focus();
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    for (const name of fields) {
      control(name).removeAttribute('aria-invalid');
      document.getElementById(name + '-error').textContent = '';
    }
    const testimonial = { token: form.dataset.token, rating: Number(valueOf('rating')), text: valueOf('text'), displayName: valueOf('displayName') };
    for (const name of optional) {
      const value = valueOf(name);
      if (value) testimonial[name] = value;
    }
    testimonial.consent = valueOf('consent');
    testimonial.consentVersion = Number(form.dataset.consentVersion);
    if (testimonial.avatarUrl && !isHttps(testimonial.avatarUrl)) {
      markInvalid('avatarUrl', form.dataset.httpsOnly);
      focusFirstInvalid();
      return;
    }
    button.disabled = true;
    status.textContent = form.dataset.sending;
    try {
      const response = await fetch('../v1/testimonials', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(testimonial) });
      if (response.ok) {
        form.hidden = true;
        status.textContent = testimonial.consent === 'private' ? form.dataset.thanksPrivate : form.dataset.thanks;
        return;
      }
      const problem = (await response.json().catch(() => null)) || {};
      if (response.status === 410) {
        form.hidden = true;
        status.textContent = [said(problem.title), said(problem.detail)].filter(Boolean).join(' — ') || form.dataset.error;
        return;
      }
      status.textContent = said(problem.detail) || form.dataset.error;
      for (const error of Array.isArray(problem.errors) ? problem.errors : []) {
        const name = said(error && error.pointer).split('/')[1];
        if (fields.includes(name)) markInvalid(name, said(error.detail));
      }
      focusFirstInvalid();
    } catch {
      status.textContent = form.dataset.error;
    }
    button.disabled = false;
  });
}
`;

const STYLE = `
body{font:1.125rem/1.5 system-ui,sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem}
fieldset{border:0;margin:0 0 1.5rem;padding:0}
legend{font-size:1.25rem;font-weight:600;margin-bottom:.5rem}
.stars{display:flex;flex-wrap:wrap;gap:.375rem}
.stars label{padding:.25rem .5rem;border:1px solid #767676;border-radius:.25rem;cursor:pointer}
.stars span{color:#8a5a00}
.choice{margin:.25rem 0}
.field{margin:0 0 1rem}
.field label{display:block;font-weight:600}
.field input,textarea{display:block;width:100%;box-sizing:border-box;font:inherit;margin-top:.25rem}
.error{display:block;color:#b00020;font-weight:600}
[aria-invalid=true]{outline:2px solid #b00020;outline-offset:2px}
button{padding:.5rem 1.5rem;font:inherit}
:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
`;

const SCRIPT_HASH = cspHash(SCRIPT);
const STYLE_HASH = cspHash(STYLE);

/** The first language by the header's q order whose base language (de-AT → de) the page has texts for; else English. */
function chooseLanguage(acceptLanguage: string | undefined): Language {
  for (const tag of acceptedLanguageTags(acceptLanguage)) {
    const base = tag.split('-')[0] as string;
    if (Object.hasOwn(TEXTS, base)) return base as Language;
  }
  return 'en';
}

const errorSlot = (name: string) => `<span id="${name}-error" class="error"></span>`;

/** A labelled text control; its attributes are fixed markup, only `value` is escaped input. */
function textField(name: string, label: string, attributes: string, value = ''): string {
  const valueAttribute = value === '' ? '' : ` value="${escapeHtml(value)}"`;
  const control =
    name === 'text'
      ? `<textarea id="text" name="text" rows="6" ${attributes} aria-describedby="text-error"></textarea>`
      : `<input id="${name}" name="${name}" ${attributes} aria-describedby="${name}-error"${valueAttribute}>`;
  return `<div class="field"><label for="${name}">${escapeHtml(label)}</label>${control}${errorSlot(name)}</div>`;
}

/** A radio group: a fieldset whose legend names it, so its error can be tied to the group as a whole. */
function radioGroup(name: string, legend: string, options: string): string {
  return [
    `<fieldset id="${name}-group" role="radiogroup" aria-labelledby="${name}-legend" aria-describedby="${name}-error">`,
    `<legend id="${name}-legend">${escapeHtml(legend)}</legend>`,
    options,
    errorSlot(name),
    '</fieldset>',
  ].join('\n');
}

function testimonialForm(token: string, displayName: string, language: Language): string {
  const texts: PageTexts = TEXTS[language];
  const consent = CURRENT_CONSENT.texts;
  // The consent wording is versioned English: say so to assistive technology on a page in another language.
  const consentLang = language === 'en' ? '' : ' lang="en"';
  const data = {
    token,
    'consent-version': String(CURRENT_CONSENT_VERSION),
    sending: texts.sending,
    error: texts.error,
    'https-only': texts.httpsOnly,
    thanks: texts.thanks,
    'thanks-private': texts.thanksPrivate,
  };
  const attributes = Object.entries(data)
    .map(([name, value]) => `data-${name}="${escapeHtml(value)}"`)
    .join(' ');
  // The stars are decoration; each radio's accessible name is its words ("4 out of 5").
  const stars = RATINGS.map(
    (rating) =>
      `<label><input type="radio" name="rating" value="${rating}" required> <span aria-hidden="true">${'★'.repeat(rating)}</span> ${escapeHtml(texts.ratingOption(rating, MAX_RATING))}</label>`,
  );
  const choices = CONSENT_CHOICES.map(
    (choice) => `<div class="choice"><label${consentLang}><input type="radio" name="consent" value="${choice}" required> ${escapeHtml(consent[choice])}</label></div>`,
  );
  const limits = TESTIMONIAL_LIMITS;
  return [
    `<h1>${escapeHtml(texts.heading)}</h1>`,
    `<form id="testimonial" method="post" ${attributes}>`,
    radioGroup('rating', texts.ratingLegend, `<div class="stars">\n${stars.join('\n')}\n</div>`),
    textField('text', texts.textLabel, `required maxlength="${limits.textMax}"`),
    textField('displayName', texts.displayNameLabel, `required maxlength="${limits.displayNameMax}" autocomplete="name"`, displayName),
    textField('title', texts.titleLabel, `maxlength="${limits.titleMax}" autocomplete="organization-title"`),
    textField('company', texts.companyLabel, `maxlength="${limits.companyMax}" autocomplete="organization"`),
    textField('avatarUrl', texts.avatarUrlLabel, `type="url" maxlength="${limits.avatarUrlMax}" autocomplete="photo"`),
    radioGroup('consent', texts.consentLegend, choices.join('\n')),
    `<button type="submit">${escapeHtml(texts.submit)}</button>`,
    '</form>',
    '<p id="status" role="status" aria-live="polite"></p>',
  ].join('\n');
}

const MESSAGES = {
  submitted: { status: 410, text: 'submitted' },
  expired: { status: 410, text: 'expired' },
  revoked: { status: 410, text: 'revoked' },
  'not-found': { status: 404, text: 'notFound' },
} as const;

export function renderTestimonialForm(input: FormPageInput): FormPage {
  const language = chooseLanguage(input.acceptLanguage);
  const texts: PageTexts = TEXTS[language];
  const headers = (withScript: boolean) => ({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pageSecurityPolicy(STYLE_HASH, withScript ? SCRIPT_HASH : undefined),
    // The token is in the page's URL: never sent on as a Referer, never kept by a cache.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (input.state === 'open') {
    if (input.token === undefined) throw new Error('an open testimonial page needs its token');
    const body = testimonialForm(input.token, input.prefill?.displayName ?? '', language);
    return { status: 200, html: htmlDocument({ language: language, title: texts.heading, style: STYLE, body: body, script: SCRIPT }), headers: headers(true) };
  }
  const message = MESSAGES[input.state];
  const text = texts[message.text];
  return { status: message.status, html: htmlDocument({ language: language, title: text, style: STYLE, body: `<p>${escapeHtml(text)}</p>` }), headers: headers(false) };
}
