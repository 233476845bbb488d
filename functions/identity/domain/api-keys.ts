import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Storefront API keys: `llk_<keyId>_<secret>`. The key id lets the authorizer find the record with one
 * GetItem; only a SHA-256 hash of the 256-bit random secret is stored (a slow hash adds nothing for a
 * secret with that much entropy), and it is compared in constant time.
 */
export const API_KEY_PATTERN = /^llk_(k[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  readonly keyId: string;
  /** Shown once; never stored. */
  readonly key: string;
  readonly secretHash: string;
}

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly storeId: string;
  readonly secretHash: string;
  readonly status: 'active' | 'revoked';
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export function issueApiKey(): IssuedApiKey {
  const keyId = `k${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, key: `llk_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { keyId: string; secret: string } | undefined {
  const match = API_KEY_PATTERN.exec(key.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { keyId: match[1], secret: match[2] };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export type KeyVerification = { ok: true; storeId: string; keyId: string } | { ok: false; reason: string };

export function verifyApiKey(record: ApiKeyRecord | undefined, secret: string): KeyVerification {
  if (!record) return { ok: false, reason: 'unknown key' };
  const expected = Buffer.from(record.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'wrong secret' };
  if (record.status !== 'active') return { ok: false, reason: 'revoked key' };
  return { ok: true, storeId: record.storeId, keyId: record.keyId };
}

/** What authenticating a storefront needs from storage. */
export interface ApiKeyStore {
  getApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
}

/**
 * The use case behind the authorizer: a presented key is well-formed, known, active and matches its stored hash —
 * or refused with the reason (logged, never answered).
 */
export async function authenticateApiKey(store: ApiKeyStore, presented: string): Promise<KeyVerification & { keyId?: string }> {
  const parsed = parseApiKey(presented);
  if (!parsed) return { ok: false, reason: 'malformed key' };
  const verification = verifyApiKey(await store.getApiKey(parsed.keyId), parsed.secret);
  return verification.ok ? verification : { ...verification, keyId: parsed.keyId };
}
