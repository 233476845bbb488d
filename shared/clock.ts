/**
 * The one source of "now" for domain code and handlers. On AWS it is the system clock; the local
 * runtime may shift it (a test clock) through LOCAL_CLOCK_OFFSET_MS, which it never sets on AWS.
 */
export function now(): Date {
  const offset = Number(process.env.LOCAL_CLOCK_OFFSET_MS ?? 0);
  return new Date(Date.now() + (Number.isFinite(offset) ? offset : 0));
}
