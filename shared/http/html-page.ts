import { createHash } from 'node:crypto';

/**
 * The small HTML pages people open from a link (a survey, a testimonial form), built one way: escaped text, one inline
 * script and one inline style allowed by their hashes alone, and the language the browser asks for.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] as string);
}

/** A Content-Security-Policy source allowing exactly this inline text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The language tags of an Accept-Language header, lower-cased, best first (by q, then by order); q=0 ones dropped. */
export function acceptedLanguageTags(acceptLanguage: string | undefined): string[] {
  return (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((parameter) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => /^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(range.tag) && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((range) => range.tag);
}

/**
 * The page's policy: nothing but its own hashed style, and (when it has one) its hashed script talking to this origin.
 * `form-action 'none'`: the script sends the form; without it nothing may be submitted (the text would land in a URL).
 */
export function pageSecurityPolicy(styleHash: string, scriptHash?: string): string {
  return [
    "default-src 'none'",
    ...(scriptHash ? [`script-src ${scriptHash}`, "connect-src 'self'"] : []),
    `style-src ${styleHash}`,
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** `head`: trusted markup for the head (e.g. `<link rel="icon" href="data:,">`, so the browser asks for no favicon). */
export function htmlDocument(page: { language: string; title: string; style: string; body: string; script?: string; head?: string }): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(page.language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(page.title)}</title>`,
    ...(page.head !== undefined ? [page.head] : []),
    `<style>${page.style}</style>`,
    '</head>',
    '<body>',
    '<main>',
    page.body,
    '</main>',
    ...(page.script !== undefined ? [`<script>${page.script}</script>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
