import { Listeners, RENEW_BEFORE_MS, type Marketer, type SignInProvider } from './session';

/**
 * The local runtime's issuer: POST /_local/tokens {"marketer": name} mints a marketer ID token, as
 * `npx loyalty token --marketer` does. There is no password — /_local/ only listens on loopback addresses — so
 * renewing is minting again for the same name. Tokens are short (15 minutes) and renewed a minute before expiry.
 */
export const LOCAL_TOKEN_TTL_SECONDS = 900;

interface Minted {
  readonly token: string;
  readonly expiresAt: number;
}

export class LocalSignIn implements SignInProvider {
  readonly kind = 'local' as const;
  private current: (Minted & { marketer: Marketer }) | undefined;
  private renewing: Promise<Minted> | undefined;
  private readonly listeners = new Listeners();

  constructor(private readonly tokenUrl: string) {}

  get marketer(): Marketer | undefined {
    return this.current?.marketer;
  }

  async signIn(name: string): Promise<void> {
    const minted = await this.mint(name);
    this.current = { ...minted, marketer: { name } };
    this.listeners.notify();
  }

  async token(): Promise<string | undefined> {
    const current = this.current;
    if (!current) return undefined;
    if (current.expiresAt - Date.now() > RENEW_BEFORE_MS) return current.token;
    try {
      this.renewing ??= this.mint(current.marketer.name).finally(() => (this.renewing = undefined));
      const renewed = await this.renewing;
      if (this.current === current) this.current = { ...renewed, marketer: current.marketer };
      return renewed.token;
    } catch {
      this.signOut();
      return undefined;
    }
  }

  signOut(): void {
    this.current = undefined;
    this.listeners.notify();
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  private async mint(name: string): Promise<Minted> {
    const startedAt = Date.now();
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ marketer: name, ttlSeconds: LOCAL_TOKEN_TTL_SECONDS }),
      credentials: 'omit',
    });
    const body = (await response.json().catch(() => undefined)) as { token?: unknown; expiresAt?: unknown; detail?: unknown } | undefined;
    if (!response.ok || typeof body?.token !== 'string' || typeof body.expiresAt !== 'string') {
      throw new Error(typeof body?.detail === 'string' ? body.detail : `The local issuer answered ${response.status}`);
    }
    // Timed on this page's clock from the lifetime asked for, not from expiresAt: the runtime's test clock
    // (`npx loyalty clock advance`) may be days ahead of the browser's, and the renewal must still come on time.
    return { token: body.token, expiresAt: startedAt + LOCAL_TOKEN_TTL_SECONDS * 1000 };
  }
}
