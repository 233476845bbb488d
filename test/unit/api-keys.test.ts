import { issueApiKey, parseApiKey, verifyApiKey, type ApiKeyRecord } from '../../functions/identity/domain/api-keys';

describe('API keys', () => {
  const issued = issueApiKey();
  const record: ApiKeyRecord = { keyId: issued.keyId, storeId: 's1', secretHash: issued.secretHash, status: 'active', createdAt: '2026-01-01T00:00:00Z' };
  const secret = parseApiKey(issued.key)?.secret as string;

  it('issues keys that parse back to their id, storing only a hash', () => {
    expect(parseApiKey(issued.key)?.keyId).toBe(issued.keyId);
    expect(issued.secretHash).not.toContain(secret);
  });

  it('verifies the secret and the status', () => {
    expect(verifyApiKey(record, secret)).toEqual({ ok: true, storeId: 's1', keyId: issued.keyId });
    const tampered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyApiKey(record, tampered).ok).toBe(false);
    expect(verifyApiKey({ ...record, status: 'revoked' }, secret)).toEqual({ ok: false, reason: 'revoked key' });
    expect(verifyApiKey(undefined, secret)).toEqual({ ok: false, reason: 'unknown key' });
  });

  it('rejects malformed keys', () => {
    for (const key of ['', 'llk_', 'llk_kXYZ_abc', `${issued.key}x`, issued.key.replace('llk_', 'LLK_')]) expect(parseApiKey(key)).toBeUndefined();
  });
});
