import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (v1): the signature is base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`,
 * keyed with the secret's bytes; a secret is `whsec_` and base64 of 24–64 random bytes. During a rotation every valid
 * secret signs, space-separated, so a receiver holding either secret verifies.
 */
export const SECRET_PREFIX = 'whsec_';
export const SECRET_BYTES = { min: 24, max: 64, generated: 32 } as const;

export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES.generated).toString('base64')}`;
}

/** The HMAC key a secret stands for; throws on a secret that is not `whsec_` + base64 of 24–64 bytes. */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new RangeError('a signing secret starts with whsec_');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new RangeError('a signing secret is whsec_ and base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < SECRET_BYTES.min || key.length > SECRET_BYTES.max) throw new RangeError(`a signing secret holds ${SECRET_BYTES.min}–${SECRET_BYTES.max} bytes`);
  return key;
}

export function sign(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one `v1,…` per valid secret, newest first. */
export function signatureHeader(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
  if (secrets.length === 0) throw new RangeError('an endpoint signs with at least one secret');
  return secrets.map((secret) => sign(secret, messageId, timestampSeconds, body)).join(' ');
}
