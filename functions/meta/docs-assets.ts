import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { z85Decode } from '../../shared/z85';
import { RENDERER } from './docs-renderer.generated';
import { RENDERER_BR_BYTES, RENDERER_BR_Z85 } from './docs-renderer.payload.generated';

/**
 * The reference page's renderer as served by GET /docs/assets/{file}: brotli (the embedded bytes as they are) to a
 * client that accepts it — every current browser does —, else gzip, else the script itself; gzip and the plain text
 * are made on first use and kept for the container's life. Each encoding has its own strong ETag.
 */
export type Coding = 'br' | 'gzip' | 'identity';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The q-value a client's Accept-Encoding gives a coding (RFC 9110 §12.5.3): its own entry, else `*`, else 0 (identity: 1). */
function qualityOf(acceptEncoding: string, coding: Coding): number {
  let wildcard: number | undefined;
  for (const entry of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = entry.trim().toLowerCase().split(';');
    const q = parameters.map((parameter) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    const quality = q === undefined ? 1 : Number(q);
    if (name.trim() === coding) return Number.isFinite(quality) ? quality : 0;
    if (name.trim() === '*') wildcard = Number.isFinite(quality) ? quality : 0;
  }
  return wildcard ?? (coding === 'identity' ? 1 : 0);
}

/** The coding to answer with: the smallest the client accepts (brotli, then gzip), else identity. */
export function codingFor(acceptEncoding: string | undefined): Coding {
  if (acceptEncoding === undefined) return 'identity';
  if (qualityOf(acceptEncoding, 'br') > 0) return 'br';
  if (qualityOf(acceptEncoding, 'gzip') > 0) return 'gzip';
  return 'identity';
}

/** A representation's ETag: the script's own for identity, with the coding inside the quotes otherwise. */
export function etagFor(coding: Coding): string {
  return coding === 'identity' ? RENDERER.etag : `${RENDERER.etag.slice(0, -1)}-${coding}"`;
}

const brotli = z85Decode(RENDERER_BR_Z85, RENDERER_BR_BYTES);
const bodies = new Map<Coding, string>();

/** The response body: base64 of the compressed bytes (isBase64Encoded), or the script's text. */
export function bodyFor(coding: Coding): string {
  let body = bodies.get(coding);
  if (body === undefined) {
    if (coding === 'br') body = brotli.toString('base64');
    else if (coding === 'gzip') body = gzipSync(plainText()).toString('base64');
    else body = plainText().toString('utf8');
    bodies.set(coding, body);
  }
  return body;
}

let plain: Buffer | undefined;
function plainText(): Buffer {
  plain ??= brotliDecompressSync(brotli);
  return plain;
}
