import { createLoyaltyClient, LoyaltyApiError, unwrap, type LoyaltyClient, type Schemas } from '../../client/src/index.js';
import type { SignInProvider } from './auth/session';

export { LoyaltyApiError, unwrap };
export type { LoyaltyClient, Schemas };

/** The typed client every page uses, carrying the signed-in marketer's token (renewed by the provider). */
export function consoleClient(apiBaseUrl: string, signIn: SignInProvider): LoyaltyClient {
  return createLoyaltyClient({ baseUrl: apiBaseUrl || window.location.origin, token: () => signIn.token() });
}

/** Any failure as the page shows it: the API's problem (with its fields), the gateway's message, or a network error. */
export interface ShownError {
  readonly title: string;
  readonly detail: string;
  readonly status?: number;
  readonly fields: readonly { readonly pointer: string; readonly detail: string }[];
}

export function shownError(error: unknown): ShownError {
  if (error instanceof LoyaltyApiError) {
    if (error.problem) return { title: error.problem.title, detail: error.problem.detail, status: error.status, fields: error.fieldErrors };
    const detail = error.status === 401 ? 'Your sign-in has expired: sign in again.' : (error.gatewayMessage ?? `The API answered ${error.status}.`);
    return { title: error.gatewayMessage ?? 'Request failed', detail, status: error.status, fields: [] };
  }
  if (error instanceof TypeError) return { title: 'The API cannot be reached', detail: 'Check that the runtime is running (npm start), then retry.', fields: [] };
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error), fields: [] };
}

/** The API's message for one field (a JSON pointer such as `/points` or `/tiers/0/threshold`), if it named it. */
export function fieldError(error: ShownError | undefined, pointer: string): string | undefined {
  return error?.fields.find((field) => field.pointer === pointer)?.detail;
}
