import { createHash } from 'node:crypto';

/**
 * Conditional GETs, one way for every cacheable route: a strong ETag from the bytes served, and whether the
 * request's If-None-Match (a list, possibly weak `W/"…"` validators, or `*`) already holds it.
 */
export function etagOf(content: string): string {
  return `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;
}

export function matchesIfNoneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
