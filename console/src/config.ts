import type { CognitoSignInConfig } from './auth/cognito';

/**
 * Where the console finds the API and how it signs marketers in: ./config.json beside index.html. The local runtime
 * answers it itself (the API on the same origin, the local issuer); a deployment writes its own, with the user pool's
 * hosted domain and app client (authorization code + PKCE). Nothing in it is secret.
 */
export type SignInConfig = { readonly kind: 'local'; readonly tokenUrl: string } | ({ readonly kind: 'cognito' } & CognitoSignInConfig);

export interface ConsoleConfig {
  /** The API's base URL, '' for the console's own origin. */
  readonly apiBaseUrl: string;
  readonly signIn: SignInConfig;
  /** The local runtime's event journal (GET /_local/events), for the Events page; absent where there is none (AWS). */
  readonly localEventsUrl?: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const body = (await response.json()) as Partial<ConsoleConfig>;
  const signIn = body.signIn;
  const valid =
    typeof body.apiBaseUrl === 'string' &&
    ((signIn?.kind === 'local' && typeof signIn.tokenUrl === 'string') ||
      (signIn?.kind === 'cognito' && [signIn.domain, signIn.clientId, signIn.redirectUri].every((value) => typeof value === 'string' && value !== '')));
  if (!valid || !signIn) throw new Error('config.json is not a console configuration');
  return { apiBaseUrl: (body.apiBaseUrl as string).replace(/\/+$/, ''), signIn, ...(typeof body.localEventsUrl === 'string' ? { localEventsUrl: body.localEventsUrl } : {}) };
}
