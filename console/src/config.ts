/**
 * Where the console finds the API and how it signs marketers in: ./config.json beside index.html. The local runtime
 * answers it itself (the API on the same origin, the local issuer); a deployment writes its own. Nothing in it is
 * secret. Only the local issuer is a sign-in kind today; Cognito's authorization-code + PKCE flow is another
 * SignInProvider (auth/session.ts) and another kind here.
 */
export type SignInConfig = { readonly kind: 'local'; readonly tokenUrl: string };

export interface ConsoleConfig {
  /** The API's base URL, '' for the console's own origin. */
  readonly apiBaseUrl: string;
  readonly signIn: SignInConfig;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const body = (await response.json()) as Partial<ConsoleConfig>;
  const signIn = body.signIn;
  if (typeof body.apiBaseUrl !== 'string' || !signIn || signIn.kind !== 'local' || typeof signIn.tokenUrl !== 'string') throw new Error('config.json is not a console configuration');
  return { apiBaseUrl: body.apiBaseUrl.replace(/\/+$/, ''), signIn };
}
