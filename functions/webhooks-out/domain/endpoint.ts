import { isIP } from 'node:net';
import { checkAddress } from './addresses';

/**
 * A merchant's webhook endpoint: where events go, which ones, and the secrets that sign them. Secrets are kept newest
 * first; a rotation keeps the previous one valid until its overlap ends, and both sign meanwhile.
 */
export interface SigningSecret {
  readonly secret: string;
  readonly createdAt: string;
  /** Set when a newer secret replaced it: it signs until then. */
  readonly expiresAt?: string;
}

export type DisabledReason = 'gone' | 'failing' | 'manual';

export interface Endpoint {
  readonly endpointId: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
  readonly enabled: boolean;
  readonly disabled?: { readonly reason: DisabledReason; readonly at: string };
  /** The first failure since the last success: 5 days of failures disable the endpoint. */
  readonly failingSince?: string;
  readonly secrets: readonly SigningSecret[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly version: number;
}

export const ENDPOINT_LIMITS = { endpoints: 20, urlLength: 2048, descriptionLength: 200, overlapHoursDefault: 24, overlapHoursMax: 168 } as const;

/** The secrets that sign at `now`, newest first. */
export function signingSecrets(endpoint: Pick<Endpoint, 'secrets'>, now: string): string[] {
  return endpoint.secrets.filter((secret) => !secret.expiresAt || Date.parse(secret.expiresAt) > Date.parse(now)).map((secret) => secret.secret);
}

/** Replaces the signing secret; the old ones stay valid for `overlapHours` (0: at once invalid). */
export function rotateSecret(endpoint: Endpoint, secret: string, overlapHours: number, now: string): Endpoint {
  const until = new Date(Date.parse(now) + overlapHours * 3_600_000).toISOString();
  const previous = endpoint.secrets
    .filter((old) => !old.expiresAt || Date.parse(old.expiresAt) > Date.parse(now))
    .map((old) => ({ ...old, expiresAt: old.expiresAt && old.expiresAt < until ? old.expiresAt : until }))
    .filter((old) => Date.parse(old.expiresAt) > Date.parse(now));
  return { ...endpoint, secrets: [{ secret, createdAt: now }, ...previous], updatedAt: now, version: endpoint.version + 1 };
}

export const isLoopbackHost = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** A URL's host without IPv6 brackets ([::1] → ::1): what name resolution and the address checks take. */
export const bareHost = (url: URL): string => (url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname);

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * What an endpoint URL must be: https (http only to loopback, and only where the local runtime allows it), no
 * credentials in it, no fragment, and — when the host is an IP literal — an address requests may go to. A host name is
 * checked where it resolves, at registration and on every request.
 */
export function checkEndpointUrl(raw: string, options: { allowLoopback: boolean }): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be an absolute URL such as https://hooks.example.com/loyalty' };
  }
  if (raw.length > ENDPOINT_LIMITS.urlLength) return { ok: false, reason: `must be at most ${ENDPOINT_LIMITS.urlLength} characters` };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials (user:password@): the signature authenticates us' };
  if (url.hash) return { ok: false, reason: 'must not have a fragment (#…)' };
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:') {
    if (!(options.allowLoopback && loopback)) return { ok: false, reason: 'must use https (http is accepted only to loopback on the local runtime)' };
  } else if (url.protocol !== 'https:') {
    return { ok: false, reason: 'must use https' };
  }
  if (loopback && !options.allowLoopback) return { ok: false, reason: 'must not point at this machine (loopback)' };
  const literal = bareHost(url);
  if (isIP(literal) !== 0) {
    const verdict = checkAddress(literal, options);
    if (!verdict.allowed) return { ok: false, reason: `must not point at a private address (${verdict.reason})` };
  }
  return { ok: true, url };
}

/** The host an endpoint is named by in events and logs (its path and query may carry a receiver's token). */
export function hostOf(url: string): string {
  return new URL(url).host;
}
