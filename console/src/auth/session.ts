/**
 * Signing a marketer in, behind one interface so the local issuer and Cognito's hosted sign-in are interchangeable.
 * Tokens live in this object only — never localStorage or sessionStorage: a reload signs in again, and a script
 * that finds storage finds no token. Each provider renews its token before it expires.
 */
export interface Marketer {
  readonly name: string;
}

export interface SignInProvider {
  /** What the sign-in page shows: a name to enter (local) or a button to the hosted page (Cognito). */
  readonly kind: 'local' | 'cognito';
  /** A live token, renewed first when it is close to its expiry; undefined once signed out. */
  token(): Promise<string | undefined>;
  readonly marketer: Marketer | undefined;
  signOut(): void;
  /** Told when the marketer signs in or out (or a renewal fails and signs them out). */
  onChange(listener: () => void): () => void;
}

/** Renew this long before expiry, so no request leaves with a token about to lapse. */
export const RENEW_BEFORE_MS = 60_000;

export class Listeners {
  private readonly listeners = new Set<() => void>();
  add(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
