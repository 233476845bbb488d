import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * The local OIDC-style issuer: an RS256 key pair kept under the data directory (or in memory), a JWKS, and
 * token minting for `loyalty token`. Tokens look like Cognito ID tokens: marketers carry `cognito:groups`.
 * Local only; on AWS the HTTP API's JWT authorizer trusts the configured issuer instead.
 */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: string;
}

export class LocalIssuer {
  private constructor(
    private readonly privateKey: Awaited<ReturnType<typeof importJWK>>,
    private readonly publicJwk: JWK,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async load(options: { dataDir?: string; issuer: string; audience: string }): Promise<LocalIssuer> {
    const file = options.dataDir ? join(options.dataDir, 'issuer-key.json') : undefined;
    if (file && existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
      return new LocalIssuer(await importJWK(stored.privateJwk, 'RS256'), stored.publicJwk, options.issuer, options.audience);
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `local-${Date.now().toString(36)}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    if (file && options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify({ privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' }, publicJwk }), { mode: 0o600 });
    }
    return new LocalIssuer(privateKey, publicJwk, options.issuer, options.audience);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async mint(subject: { customerId: string } | { marketer: string }, ttlSeconds: number, now: Date): Promise<IssuedToken> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const claims =
      'customerId' in subject
        ? { token_use: 'id' }
        : { token_use: 'id', name: subject.marketer, 'cognito:groups': ['marketers'] };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid as string, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject('customerId' in subject ? subject.customerId : `marketer:${subject.marketer}`)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(this.privateKey);
    return { token, expiresAt: new Date((issuedAt + ttlSeconds) * 1000).toISOString() };
  }
}
