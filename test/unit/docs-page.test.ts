import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { codingFor, etagFor } from '../../functions/meta/docs-assets';
import { handler as assetHandler } from '../../functions/meta/docs-assets.handler';
import { docsSecurityPolicy, RENDERER_PATH, SPEC_PATH } from '../../functions/meta/docs-page';
import { handler as pageHandler } from '../../functions/meta/docs-page.handler';
import { RENDERER } from '../../functions/meta/docs-renderer.generated';
import { payloadText, RENDERER_BUNDLE, rendererAsset, rendererFileName, rendererModule } from '../../infra/docs-renderer';
import { RENDERER_MODULE, RENDERER_PAYLOAD } from '../../infra/openapi-build';
import { z85Decode, z85Encode } from '../../shared/z85';
import { apiEvent, lambdaContext } from '../support/api-event';

/**
 * The interactive reference (GET /docs) and its renderer (GET /docs/assets/{file}): the page loads Redoc and the
 * description from its own origin only, under a policy that allows no inline script; the renderer is Redoc's bundle
 * as committed, in the encoding the client accepts, cached immutably with an ETag per encoding.
 */
const asset = rendererAsset();
const page = (headers: Record<string, string> = {}) => pageHandler(apiEvent({ routeKey: 'GET /docs', path: '/docs', headers }), lambdaContext()) as Promise<APIGatewayProxyStructuredResultV2>;
const file = (name: string, headers: Record<string, string> = {}) =>
  assetHandler(apiEvent({ routeKey: 'GET /docs/assets/{file}', path: `/docs/assets/${name}`, pathParameters: { file: name }, headers }), lambdaContext()) as Promise<APIGatewayProxyStructuredResultV2>;
const directives = (csp: string) => new Map(csp.split(';').map((directive) => directive.trim().split(/\s+/) as [string, ...string[]]).map(([name, ...values]) => [name, values]));

describe('the renderer asset (infra/docs-renderer.ts)', () => {
  it('is committed as `npm run openapi` writes it today', () => {
    const stale = (path: string) => new Error(`${path} is stale: run \`npm run openapi\` and commit it`);
    if (readFileSync(RENDERER_MODULE, 'utf8') !== rendererModule(asset)) throw stale(RENDERER_MODULE);
    if (payloadText(readFileSync(RENDERER_PAYLOAD, 'utf8')) !== asset.text) throw stale(RENDERER_PAYLOAD);
  });

  it("is Redoc's standalone bundle with its licence notices inline and no CDN logo or source map", () => {
    const bundle = readFileSync(RENDERER_BUNDLE, 'utf8');
    expect(asset.version).toBe(JSON.parse(readFileSync('node_modules/redoc/package.json', 'utf8')).version);
    expect(asset.text.startsWith(`/*! Redoc ${asset.version} (redoc/bundles/redoc.standalone.js)`)).toBe(true);
    expect(asset.text).toContain('Permission is hereby granted, free of charge');
    expect(asset.text).toContain('Copyright (c) 2015-present, Rebilly, Inc.');
    expect(asset.text).toContain(`Version: "${asset.version}"`);
    expect(asset.text).not.toContain('cdn.redoc.ly');
    expect(asset.text).not.toContain('sourceMappingURL=redoc.standalone.js.map');
    // Nothing else changed: the code is Redoc's, byte for byte, around the two replacements.
    const body = bundle.slice(bundle.indexOf('\n') + 1, bundle.indexOf('"https://cdn.redoc.ly/redoc/logo-mini.svg"'));
    expect(asset.text).toContain(body);
    expect(RENDERER).toEqual({ package: 'redoc', version: asset.version, file: rendererFileName(asset), etag: expect.stringMatching(/^"[A-Za-z0-9_-]{27}"$/), bytes: Buffer.byteLength(asset.text) });
    expect(RENDERER.file).toMatch(/^redoc-\d+\.\d+\.\d+\.[0-9a-f]{12}\.js$/);
  });
});

describe('Z85 (shared/z85.ts)', () => {
  it('encodes the RFC 32 test vector and round-trips any length', () => {
    const vector = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(z85Encode(vector)).toBe('HelloWorld');
    expect(z85Decode('HelloWorld', 8)).toEqual(vector);
    for (let length = 0; length <= 13; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, index) => (index * 97 + 255) % 256));
      const text = z85Encode(bytes);
      expect(text).not.toMatch(/["'\\`]/);
      expect(z85Decode(text, length)).toEqual(bytes);
    }
  });

  it('refuses text that is not Z85, or a length it cannot hold', () => {
    expect(() => z85Decode('Hello"orld', 8)).toThrow(/invalid character/);
    expect(() => z85Decode('HelloWorl', 8)).toThrow(/multiple of 5/);
    expect(() => z85Decode('HelloWorld', 9)).toThrow(/cannot hold/);
    expect(() => z85Decode('HelloWorld', 4)).toThrow(/cannot hold/);
    expect(() => z85Decode('#####', 4)).toThrow(/out of range/);
  });
});

describe('GET /docs', () => {
  it('is an HTML page that loads the renderer and the description from this origin, with no inline script', async () => {
    const response = await page();
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual(
      expect.objectContaining({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' }),
    );
    const html = response.body ?? '';
    expect(html).toContain(`<redoc spec-url="${SPEC_PATH}"></redoc>`);
    expect(html).toContain(`<script src="${RENDERER_PATH}"></script>`);
    expect(RENDERER_PATH).toBe(`docs/assets/${RENDERER.file}`);
    expect(SPEC_PATH).toBe('v1/openapi.json');
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0])).toEqual([`<script src="${RENDERER_PATH}">`]);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('<link rel="icon" href="data:,">');
  });

  it('answers with a policy that allows scripts and requests to this origin only', async () => {
    const response = await page();
    const csp = directives(String(response.headers?.['content-security-policy']));
    expect(String(response.headers?.['content-security-policy'])).toBe(docsSecurityPolicy());
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('worker-src')).toEqual(['blob:']);
    expect(csp.get('style-src-attr')).toEqual(["'none'"]);
    expect(csp.get('img-src')).toEqual(['data:']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    // No third-party origin anywhere in the policy, and no eval.
    expect([...csp.values()].flat().filter((source) => /^(https?:|\*|'unsafe-eval')/.test(source))).toEqual([]);
  });

  it('has an ETag, and answers 304 for it', async () => {
    const first = await page();
    const etag = String(first.headers?.etag);
    const again = await page({ 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBeUndefined();
  });
});

describe('GET /docs/assets/{file}', () => {
  it('serves brotli to a client that accepts it (the committed bytes), cached for a year', async () => {
    const response = await file(RENDERER.file, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).toBe(true);
    expect(response.headers).toEqual(
      expect.objectContaining({
        'content-type': 'text/javascript; charset=utf-8',
        'content-encoding': 'br',
        'cache-control': 'public, max-age=31536000, immutable',
        vary: 'accept-encoding',
        etag: etagFor('br'),
        'cross-origin-resource-policy': 'same-origin',
        'x-content-type-options': 'nosniff',
      }),
    );
    expect(brotliDecompressSync(Buffer.from(response.body ?? '', 'base64')).toString('utf8')).toBe(asset.text);
  });

  it('serves gzip when brotli is not accepted, and the plain script when neither is', async () => {
    const gzip = await file(RENDERER.file, { 'accept-encoding': 'gzip, br;q=0' });
    expect([gzip.headers?.['content-encoding'], gzip.isBase64Encoded, gzip.headers?.etag]).toEqual(['gzip', true, etagFor('gzip')]);
    expect(gunzipSync(Buffer.from(gzip.body ?? '', 'base64')).toString('utf8')).toBe(asset.text);
    const plain = await file(RENDERER.file);
    expect(plain.headers?.['content-encoding']).toBeUndefined();
    expect(plain.isBase64Encoded).toBeUndefined();
    expect(plain.headers?.etag).toBe(RENDERER.etag);
    expect(plain.body).toBe(asset.text);
  });

  it('has an ETag per encoding, and answers 304 only for the one it would send', async () => {
    expect(new Set([etagFor('br'), etagFor('gzip'), etagFor('identity')]).size).toBe(3);
    const cached = await file(RENDERER.file, { 'accept-encoding': 'br', 'if-none-match': `"other", ${etagFor('br')}` });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBeUndefined();
    expect(cached.headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await file(RENDERER.file, { 'accept-encoding': 'gzip', 'if-none-match': etagFor('br') })).statusCode).toBe(200);
  });

  it('answers any other name 404 as problem+json', async () => {
    for (const name of ['redoc.standalone.js', `${RENDERER.file}x`, '..%2Fopenapi.json']) {
      const response = await file(name);
      expect(response.statusCode).toBe(404);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: 404, type: 'urn:loyalty-loop:problem:not-found' });
    }
  });

  it('chooses the encoding by Accept-Encoding and its q-values', () => {
    expect(codingFor(undefined)).toBe('identity');
    expect(codingFor('')).toBe('identity');
    expect(codingFor('gzip, deflate, br, zstd')).toBe('br');
    expect(codingFor('BR')).toBe('br');
    expect(codingFor('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(codingFor('*')).toBe('br');
    expect(codingFor('*;q=0, gzip')).toBe('gzip');
    expect(codingFor('deflate, identity')).toBe('identity');
    expect(codingFor('br;q=0, gzip;q=0')).toBe('identity');
  });
});
