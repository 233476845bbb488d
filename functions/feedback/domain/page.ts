import { acceptedLanguageTags, cspHash, escapeHtml, htmlDocument, pageSecurityPolicy } from '../../../shared/http/html-page';
import type { PageStrings } from './settings';
import { MAX_COMMENT_LENGTH, scoreRange, type SurveyKind } from './survey';

/**
 * The response page a survey link opens (GET /s/{token}), pure: one small HTML document that reads without CSS and
 * works with one inline script, allowed by its hash alone. The script is the same text on every page: what differs
 * (the token, the thanks and error texts) travels in HTML-escaped data attributes, never in script text.
 */
export type PageState = 'open' | 'answered' | 'expired' | 'not-found';

export interface SurveyPageInput {
  readonly state: PageState;
  readonly kind?: SurveyKind;
  readonly token?: string;
  readonly acceptLanguage?: string;
  readonly strings: Readonly<Record<string, PageStrings>>;
}

export interface SurveyPage {
  readonly status: 200 | 404 | 410;
  readonly html: string;
  readonly headers: Record<string, string>;
}

type Texts = Required<PageStrings> & { readonly notFound: string; readonly error: string; readonly sending: string };

/** The built-in English texts; settings.strings override them per language. */
export const ENGLISH: Readonly<Texts> = {
  question: 'How likely are you to recommend us to a friend or colleague?',
  csatQuestion: 'How satisfied are you with your experience?',
  low: 'Not at all likely',
  high: 'Extremely likely',
  commentLabel: 'Anything you would like to add? (optional)',
  submit: 'Send',
  thanks: 'Thank you for your feedback!',
  expired: 'This survey link has expired.',
  answered: 'You have already answered this survey. Thank you!',
  // Not in PageStrings (the settings cannot override them yet): English on every page.
  notFound: 'This survey link is not valid.',
  error: 'Your answer could not be sent. Please try again.',
  sending: 'Sending…',
};

/** CSAT's anchors when the settings give none (NPS uses ENGLISH.low/high). */
const CSAT_ANCHORS = { low: 'Very unsatisfied', high: 'Very satisfied' } as const;

/** Sends the answer as JSON (same origin: resolved against the page, /s/{token} → /v1/surveys/responses). */
export const SCRIPT = `
const form = document.getElementById('survey');
const status = document.getElementById('status');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const answer = { token: form.dataset.token, score: Number(data.get('score')) };
  const comment = String(data.get('comment') || '').trim();
  if (comment) answer.comment = comment;
  const button = form.querySelector('button');
  button.disabled = true;
  status.textContent = form.dataset.sending;
  try {
    const response = await fetch('../v1/surveys/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer) });
    if (response.ok) {
      form.hidden = true;
      status.textContent = form.dataset.thanks;
      return;
    }
    const problem = await response.json().catch(() => ({}));
    status.textContent = typeof problem.detail === 'string' ? problem.detail : form.dataset.error;
  } catch {
    status.textContent = form.dataset.error;
  }
  button.disabled = false;
});
`;

export const STYLE = `
body{font:1.125rem/1.5 system-ui,sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
fieldset{border:0;margin:0 0 1.5rem;padding:0}
legend{font-size:1.375rem;font-weight:600;margin-bottom:1rem}
.scale{display:flex;flex-wrap:wrap;gap:.375rem}
.scale label{flex:1 1 0;display:flex;flex-direction:column;align-items:center;min-width:2rem;padding:.25rem 0;border:1px solid #767676;border-radius:.25rem;cursor:pointer}
.anchors{display:flex;justify-content:space-between;gap:1rem;font-size:1rem;margin:.5rem 0 0}
textarea{display:block;width:100%;box-sizing:border-box;font:inherit;margin-top:.25rem}
button{margin-top:1rem;padding:.5rem 1.5rem;font:inherit}
:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
`;

const SCRIPT_HASH = cspHash(SCRIPT);
const STYLE_HASH = cspHash(STYLE);

/**
 * The best language the page has for an Accept-Language header: by the header's q order, each tag exact, then its
 * base language (fr-CA → fr); "en" is the built-in English. Tags the settings do not have are passed over.
 */
export function chooseLanguage(acceptLanguage: string | undefined, available: readonly string[]): string {
  const byLower = new Map(available.map((tag) => [tag.toLowerCase(), tag]));
  for (const tag of acceptedLanguageTags(acceptLanguage)) {
    const base = tag.split('-')[0] as string;
    const found = byLower.get(tag) ?? byLower.get(base);
    if (found) return found;
    if (base === 'en') return 'en';
  }
  return 'en';
}

function textsFor(language: string, kind: SurveyKind, strings: SurveyPageInput['strings']): Texts {
  const base = language.split('-')[0] as string;
  const anchors = kind === 'csat' ? CSAT_ANCHORS : {};
  // English, then the base language's overrides, then the exact tag's (fr-CA over fr).
  return { ...ENGLISH, ...anchors, ...defined(base !== language ? strings[base] : undefined), ...defined(strings[language]) };
}

function defined(strings: PageStrings | undefined): PageStrings {
  return Object.fromEntries(Object.entries(strings ?? {}).filter(([, value]) => typeof value === 'string'));
}

function surveyForm(token: string, kind: SurveyKind, texts: Texts): string {
  const { min, max } = scoreRange(kind);
  const question = kind === 'csat' ? texts.csatQuestion : texts.question;
  const radios: string[] = [];
  for (let score = min; score <= max; score += 1) {
    const described = score === min ? ' aria-describedby="low"' : score === max ? ' aria-describedby="high"' : '';
    radios.push(`<label><input type="radio" name="score" value="${score}" required${described}>${score}</label>`);
  }
  const data = { token, thanks: texts.thanks, error: texts.error, sending: texts.sending };
  const attributes = Object.entries(data)
    .map(([name, value]) => `data-${name}="${escapeHtml(value)}"`)
    .join(' ');
  return [
    `<form id="survey" ${attributes}>`,
    '<fieldset>',
    `<legend>${escapeHtml(question)}</legend>`,
    `<div class="scale">${radios.join('')}</div>`,
    `<p class="anchors"><span id="low">${min}: ${escapeHtml(texts.low)}</span> <span id="high">${max}: ${escapeHtml(texts.high)}</span></p>`,
    '</fieldset>',
    `<label for="comment">${escapeHtml(texts.commentLabel)}</label>`,
    `<textarea id="comment" name="comment" rows="4" maxlength="${MAX_COMMENT_LENGTH}"></textarea>`,
    `<button type="submit">${escapeHtml(texts.submit)}</button>`,
    '</form>',
    '<p id="status" role="status" aria-live="polite"></p>',
  ].join('\n');
}

const MESSAGES = { answered: { status: 200, text: 'answered' }, expired: { status: 410, text: 'expired' }, 'not-found': { status: 404, text: 'notFound' } } as const;

export function renderSurveyPage(input: SurveyPageInput): SurveyPage {
  const kind = input.kind ?? 'nps';
  const language = chooseLanguage(input.acceptLanguage, Object.keys(input.strings));
  const texts = textsFor(language, kind, input.strings);
  const headers = (withScript: boolean) => ({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pageSecurityPolicy(STYLE_HASH, withScript ? SCRIPT_HASH : undefined),
    // The token is in the page's URL: never sent on as a Referer, never kept by a cache.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  if (input.state === 'open') {
    if (input.token === undefined) throw new Error('an open survey page needs its token');
    const question = kind === 'csat' ? texts.csatQuestion : texts.question;
    return { status: 200, html: htmlDocument({ language: language, title: question, style: STYLE, body: surveyForm(input.token, kind, texts), script: SCRIPT }), headers: headers(true) };
  }
  const message = MESSAGES[input.state];
  const text = texts[message.text];
  // The not-found text is built-in English whatever language was chosen: say so to assistive technology.
  const lang = message.text === 'notFound' && language !== 'en' ? ' lang="en"' : '';
  return { status: message.status, html: htmlDocument({ language: language, title: text, style: STYLE, body: `<p${lang}>${escapeHtml(text)}</p>` }), headers: headers(false) };
}
