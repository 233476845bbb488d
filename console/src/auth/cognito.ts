import { claimsOf, codeChallengeOf, randomUrlSafe } from './pkce';
import { Listeners, RENEW_BEFORE_MS, type Marketer, type SignInProvider } from './session';

/**
 * Cognito's hosted sign-in with the authorization-code flow and PKCE (a public client: no secret in the page).
 * signIn() sends the browser to /oauth2/authorize with an S256 challenge and a random state; Cognito sends it back to
 * the redirect URI with ?code&state; completeSignIn() checks the state and exchanges the code and the verifier at
 * /oauth2/token. The ID token (what the API's JWT authorizer checks; it carries cognito:groups) and the refresh token
 * are kept in memory only; the ID token is refreshed a minute before it expires.
 *
 * Only the verifier, the state and the page to return to cross the redirect, in sessionStorage (this tab only),
 * and are removed as soon as the code is exchanged: none of them is a credential without the code.
 */
export interface CognitoSignInConfig {
  /** The user pool's hosted domain, e.g. https://loyalty-loop.auth.eu-west-1.amazoncognito.com */
  readonly domain: string;
  readonly clientId: string;
  /** The console's address, registered as a callback URL of the app client. */
  readonly redirectUri: string;
  /** Registered as a sign-out URL; when set, signing out also ends the hosted session. */
  readonly logoutUri?: string;
  readonly scopes?: readonly string[];
}

export const PENDING_KEY = 'loyalty-console:pkce';

interface Pending {
  readonly state: string;
  readonly verifier: string;
  readonly returnTo: string;
}

interface Tokens {
  readonly idToken: string;
  readonly refreshToken: string | undefined;
  readonly renewAt: number;
  readonly marketer: Marketer;
}

export interface BrowserSurface {
  navigate(url: string): void;
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

const browserSurface = (): BrowserSurface => ({ navigate: (url) => window.location.assign(url), storage: window.sessionStorage });

export class CognitoSignIn implements SignInProvider {
  readonly kind = 'cognito' as const;
  private current: Tokens | undefined;
  private refreshing: Promise<Tokens> | undefined;
  private readonly listeners = new Listeners();
  private readonly domain: string;

  constructor(
    private readonly config: CognitoSignInConfig,
    private readonly surface: BrowserSurface = browserSurface(),
  ) {
    this.domain = config.domain.replace(/\/+$/, '');
  }

  get marketer(): Marketer | undefined {
    return this.current?.marketer;
  }

  /** To the hosted sign-in page; `returnTo` is the console page (its hash route) to come back to. */
  async signIn(returnTo = ''): Promise<void> {
    const pending: Pending = { state: randomUrlSafe(16), verifier: randomUrlSafe(32), returnTo };
    this.surface.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(`${this.domain}/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUri,
      scope: (this.config.scopes ?? ['openid', 'email', 'profile']).join(' '),
      state: pending.state,
      code_challenge: await codeChallengeOf(pending.verifier),
      code_challenge_method: 'S256',
    }).toString();
    this.surface.navigate(url.href);
  }

  /**
   * On the way back from the hosted page: exchanges ?code for tokens when the state matches the one this tab sent.
   * Answers where to go next (the page the sign-in started from), or undefined when the URL is not a sign-in answer.
   */
  async completeSignIn(location: URL): Promise<{ returnTo: string } | undefined> {
    const code = location.searchParams.get('code');
    const error = location.searchParams.get('error');
    if (!code && !error) return undefined;
    const stored = this.surface.storage.getItem(PENDING_KEY);
    this.surface.storage.removeItem(PENDING_KEY);
    const pending = stored ? (JSON.parse(stored) as Pending) : undefined;
    if (error) throw new Error(`Sign-in was refused: ${location.searchParams.get('error_description') ?? error}`);
    if (!pending || location.searchParams.get('state') !== pending.state) throw new Error('This sign-in answer was not started from this tab (the state does not match): sign in again.');
    this.current = await this.tokenRequest({ grant_type: 'authorization_code', code: code as string, redirect_uri: this.config.redirectUri, code_verifier: pending.verifier }, undefined);
    this.listeners.notify();
    return { returnTo: pending.returnTo };
  }

  async token(): Promise<string | undefined> {
    const current = this.current;
    if (!current) return undefined;
    if (Date.now() < current.renewAt) return current.idToken;
    if (!current.refreshToken) {
      this.forget();
      return undefined;
    }
    try {
      this.refreshing ??= this.tokenRequest({ grant_type: 'refresh_token', refresh_token: current.refreshToken }, current.refreshToken).finally(() => (this.refreshing = undefined));
      const renewed = await this.refreshing;
      if (this.current === current) this.current = renewed;
      return renewed.idToken;
    } catch {
      this.forget();
      return undefined;
    }
  }

  signOut(): void {
    this.forget();
    if (this.config.logoutUri) {
      const url = new URL(`${this.domain}/logout`);
      url.search = new URLSearchParams({ client_id: this.config.clientId, logout_uri: this.config.logoutUri }).toString();
      this.surface.navigate(url.href);
    }
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  private forget(): void {
    this.current = undefined;
    this.listeners.notify();
  }

  /** POST /oauth2/token (form-encoded, as Cognito requires); a refresh answers no new refresh token: keep the old one. */
  private async tokenRequest(parameters: Record<string, string>, refreshToken: string | undefined): Promise<Tokens> {
    const startedAt = Date.now();
    const response = await fetch(`${this.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...parameters, client_id: this.config.clientId }).toString(),
      credentials: 'omit',
    });
    const body = (await response.json().catch(() => undefined)) as { id_token?: unknown; refresh_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } | undefined;
    if (!response.ok || typeof body?.id_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new Error(`The sign-in service refused the token request: ${typeof body?.error_description === 'string' ? body.error_description : typeof body?.error === 'string' ? body.error : response.status}`);
    }
    const claims = claimsOf(body.id_token);
    const name = [claims.name, claims.email, claims['cognito:username'], claims.sub].find((value): value is string => typeof value === 'string' && value !== '') ?? 'marketer';
    return {
      idToken: body.id_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : refreshToken,
      renewAt: startedAt + body.expires_in * 1000 - RENEW_BEFORE_MS,
      marketer: { name },
    };
  }
}
