/**
 * Optimistic concurrency, one way for every service: read, plan, write conditioned on what was read; when another
 * writer got there first, read again after a full-jitter exponential backoff (racing writers spread out instead of
 * colliding again), a bounded number of times. Pure: the attempt decides what a conflict is.
 */
export const RETRY = Symbol('retry');

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** The backoff ceiling doubles from this… */
  readonly baseDelayMs: number;
  /** …up to this. */
  readonly maxDelayMs: number;
}

/** Thrown when every attempt conflicted: the change was not made (callers answer "try again"). */
export class ConcurrencyExhaustedError extends Error {
  override readonly name = 'ConcurrencyExhaustedError';
}

export async function retryOnConflict<T>(
  what: string,
  policy: RetryPolicy,
  attemptOnce: (attempt: number) => Promise<T | typeof RETRY>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
    const result = await attemptOnce(attempt);
    if (result !== RETRY) return result;
    if (attempt + 1 < policy.maxAttempts) await sleep(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
  }
  throw new ConcurrencyExhaustedError(`${what} kept conflicting after ${policy.maxAttempts} attempts`);
}
