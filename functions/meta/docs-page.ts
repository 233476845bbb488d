import { escapeHtml, htmlDocument } from '../../shared/http/html-page';
import { RENDERER } from './docs-renderer.generated';

/**
 * GET /docs: the page that renders this API's OpenAPI description with Redoc. Relative URLs (`v1/openapi.json`,
 * `docs/assets/…`), so the page works under any base path; Redoc reads the spec URL from its `<redoc>` element and
 * starts by itself, so there is no inline script.
 */
export const DOCS_TITLE = 'Loyalty Loop API reference';
export const RENDERER_PATH = `docs/assets/${RENDERER.file}`;
export const SPEC_PATH = 'v1/openapi.json';

const STYLE = 'body{margin:0}main>noscript{display:block;padding:2rem;font-family:system-ui,sans-serif}';

/**
 * The page's policy: scripts from this origin only (the renderer; no inline script, no eval), requests to this origin
 * only (the description), nothing from a third party. Redoc needs three things besides:
 * - inline <style> elements: styled-components keeps its rules in a <style> element of its own (filled through
 *   CSSOM) and perfect-scrollbar's stylesheet is inserted as text, with a source map Redoc's build appends — so
 *   `style-src 'unsafe-inline'`, while `style-src-attr 'none'` still refuses style attributes in markup (React sets
 *   its styles through CSSOM, which a policy does not govern). Our own style rides on the same allowance: a hash
 *   beside 'unsafe-inline' would switch 'unsafe-inline' off;
 * - `worker-src blob:`: its search index runs in a Web Worker it creates from a Blob;
 * - `img-src data:`: its icons are data: SVGs (and the page's empty favicon, so the browser asks for none).
 */
export function docsSecurityPolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "connect-src 'self'",
    'worker-src blob:',
    "style-src 'unsafe-inline'",
    "style-src-attr 'none'",
    'img-src data:',
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function docsPage(): string {
  return htmlDocument({
    language: 'en',
    title: DOCS_TITLE,
    head: '<link rel="icon" href="data:,">',
    style: STYLE,
    body: [
      `<noscript>${escapeHtml(`The reference needs JavaScript. The description it renders is at /${SPEC_PATH}.`)}</noscript>`,
      `<redoc spec-url="${escapeHtml(SPEC_PATH)}"></redoc>`,
      `<script src="${escapeHtml(RENDERER_PATH)}"></script>`,
    ].join('\n'),
  });
}
