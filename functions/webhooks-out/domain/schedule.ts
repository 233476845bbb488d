/**
 * When deliveries are attempted (the Standard Webhooks / Svix schedule): at once, then after 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h — eight attempts over about 27.6 hours — each retry moved by up to ±10 % (jitter), so a receiver
 * that was down is not hit by every retry at the same second. Due retries are sent by a schedule that runs every
 * minute, so a retry goes out within a minute after its time (the 5 s retry, after up to a minute).
 */
export const RETRY_DELAYS_MS = [0, 5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
export const JITTER = 0.1;
/** A request may take this long; then it counts as failed (timeout). */
export const REQUEST_TIMEOUT_MS = 15_000;
/** An attempt in flight holds its delivery this long: a sender that crashed mid-attempt is retried after it. */
export const ATTEMPT_LEASE_MS = 60_000;
/** An endpoint whose deliveries failed for this long without a success is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 86_400_000;
/** Payloads are kept this long for retries and replay, then deleted (the delivery log keeps no bodies past it). */
export const PAYLOAD_RETENTION_DAYS = 7;
/** The delivery log (attempts: time, status, latency; never bodies) is kept this long. */
export const LOG_RETENTION_DAYS = 30;

/** When the retry after `attemptsInSeries` attempts is due, or undefined when the schedule is spent. */
export function nextAttemptAt(attemptsInSeries: number, now: string, random: () => number = Math.random): string | undefined {
  const delay = RETRY_DELAYS_MS[attemptsInSeries];
  if (delay === undefined) return undefined;
  const jittered = Math.round(delay * (1 + JITTER * (2 * random() - 1)));
  return new Date(Date.parse(now) + jittered).toISOString();
}
