import { currencyExponent } from './currencies';

/** An amount in integer minor units (cents, yen, fils) of an ISO 4217 currency. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

export type AmountParseFailure =
  | { kind: 'unknown-currency' }
  | { kind: 'not-a-decimal' }
  | { kind: 'too-many-decimals'; allowed: number }
  | { kind: 'not-positive' }
  | { kind: 'too-large' };

export type AmountParseResult = { ok: true; money: Money } | { ok: false; failure: AmountParseFailure };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
/**
 * The largest amount we accept for one purchase, refund or unit price: 10^11 minor units (1,000,000,000.00 USD,
 * 100,000,000,000 JPY). Far above any real order, and small enough that totals of many purchases stay exact:
 * 90,000 maximal purchases of one customer still add up below 2^53.
 */
export const MAX_AMOUNT_MINOR = 100_000_000_000;

/**
 * Converts a major-unit amount ("404.95" or 404.95) to integer minor units by the currency's ISO exponent,
 * exactly: the decimal text is split, never multiplied as a float.
 */
export function parseMajorAmount(amount: string | number, currency: string): AmountParseResult {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return { ok: false, failure: { kind: 'unknown-currency' } };
  if ((typeof amount === 'number' && amount < 0) || (typeof amount === 'string' && /^\s*-\s*\d/.test(amount))) {
    return { ok: false, failure: { kind: 'not-positive' } };
  }
  const text = typeof amount === 'number' ? numberToPlainDecimal(amount) : amount.trim();
  if (text === undefined) return { ok: false, failure: { kind: 'not-a-decimal' } };
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, failure: { kind: 'not-a-decimal' } };
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) return { ok: false, failure: { kind: 'too-many-decimals', allowed: exponent } };
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 16 || Number(digits) > MAX_AMOUNT_MINOR) return { ok: false, failure: { kind: 'too-large' } };
  const amountMinor = Number(digits);
  if (amountMinor <= 0) return { ok: false, failure: { kind: 'not-positive' } };
  return { ok: true, money: { amountMinor, currency } };
}

/** Validates an amount already in integer minor units (as Stripe sends them). */
export function minorAmount(amountMinor: number, currency: string): AmountParseResult {
  if (currencyExponent(currency) === undefined) return { ok: false, failure: { kind: 'unknown-currency' } };
  if (!Number.isSafeInteger(amountMinor)) return { ok: false, failure: { kind: 'not-a-decimal' } };
  if (amountMinor <= 0) return { ok: false, failure: { kind: 'not-positive' } };
  if (amountMinor > MAX_AMOUNT_MINOR) return { ok: false, failure: { kind: 'too-large' } };
  return { ok: true, money: { amountMinor, currency } };
}

/** Formats minor units back to the currency's decimal text ("404.95"); used in API responses. */
export function formatMinor(amountMinor: number | bigint, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  const exact = BigInt(amountMinor);
  const negative = exact < 0n;
  const digits = (negative ? -exact : exact).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function describeAmountFailure(failure: AmountParseFailure, currency: string): string {
  switch (failure.kind) {
    case 'unknown-currency':
      return `'${currency}' is not an active ISO 4217 currency code`;
    case 'not-a-decimal':
      return 'must be a positive decimal amount in major units, like "404.95"';
    case 'too-many-decimals':
      return `${currency} allows at most ${failure.allowed} decimal place${failure.allowed === 1 ? '' : 's'}`;
    case 'not-positive':
      return 'must be greater than zero';
    case 'too-large':
      return `must be at most ${formatMinor(MAX_AMOUNT_MINOR, currency)} ${currency} (${MAX_AMOUNT_MINOR} minor units)`;
  }
}

function numberToPlainDecimal(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  // Shortest round-trip representation, so 404.95 stays "404.95"; exponent notation is expanded.
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (value < 1e-6) return undefined;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/**
 * A total in minor units for a JSON response: a number while it is a safe integer, otherwise its exact decimal
 * digits as a string (JSON numbers beyond 2^53 − 1 are rounded by most clients). Totals summed over an unbounded
 * number of purchases are kept as BigInt for this reason.
 */
export function minorUnitsField(total: bigint): number | string {
  return total <= BigInt(Number.MAX_SAFE_INTEGER) && total >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(total) : total.toString();
}
