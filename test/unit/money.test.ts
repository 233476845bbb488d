import fc from 'fast-check';
import { describeAmountFailure, formatMinor, MAX_AMOUNT_MINOR, minorAmount, minorUnitsField, parseMajorAmount } from '../../shared/domain/money';

describe('parseMajorAmount', () => {
  it.each([
    ['404.95', 'USD', 40495],
    [404.95, 'USD', 40495],
    ['10', 'USD', 1000],
    ['10.5', 'USD', 1050],
    ['1000', 'JPY', 1000],
    ['1.234', 'BHD', 1234],
    ['0.01', 'EUR', 1],
    ['12.50', 'USD', 1250],
    ['0.30', 'USD', 30],
  ])('%p %s → %d minor units', (amount, currency, expected) => {
    expect(parseMajorAmount(amount, currency)).toEqual({ ok: true, money: { amountMinor: expected, currency } });
  });

  it.each([
    ['1.5', 'JPY', 'too-many-decimals'],
    ['1.2345', 'BHD', 'too-many-decimals'],
    ['0', 'USD', 'not-positive'],
    ['0.00', 'USD', 'not-positive'],
    [0, 'USD', 'not-positive'],
    [-5, 'USD', 'not-positive'],
    ['-5', 'USD', 'not-positive'],
    ['abc', 'USD', 'not-a-decimal'],
    ['1e3', 'USD', 'not-a-decimal'],
    ['', 'USD', 'not-a-decimal'],
    [Number.NaN, 'USD', 'not-a-decimal'],
    [Number.POSITIVE_INFINITY, 'USD', 'not-a-decimal'],
    ['99999999999999999999', 'USD', 'too-large'],
    // Issue 7.4: this amount was accepted and later broke the activity totals; the bound is 10^11 minor units.
    ['90071992547409.91', 'USD', 'too-large'],
    ['1000000000.01', 'USD', 'too-large'],
    ['100000000001', 'JPY', 'too-large'],
    ['10.00', 'XYZ', 'unknown-currency'],
  ])('%p %s fails with %s', (amount, currency, kind) => {
    const result = parseMajorAmount(amount, currency);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure.kind).toBe(kind);
  });

  it('round-trips every minor amount through its decimal text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_AMOUNT_MINOR }), fc.constantFrom('USD', 'JPY', 'BHD', 'CLF'), (minor, currency) => {
        const parsed = parseMajorAmount(formatMinor(minor, currency), currency);
        expect(parsed).toEqual({ ok: true, money: { amountMinor: minor, currency } });
      }),
    );
  });
});

describe('the amount bound', () => {
  it('accepts exactly 10^11 minor units and names the limit beyond it', () => {
    expect(parseMajorAmount('1000000000.00', 'USD')).toEqual({ ok: true, money: { amountMinor: MAX_AMOUNT_MINOR, currency: 'USD' } });
    expect(minorAmount(MAX_AMOUNT_MINOR + 1, 'USD')).toEqual({ ok: false, failure: { kind: 'too-large' } });
    expect(describeAmountFailure({ kind: 'too-large' }, 'USD')).toBe('must be at most 1000000000.00 USD (100000000000 minor units)');
  });

  it('formats totals beyond 2^53 exactly, and keeps them as numbers only while they are safe', () => {
    expect(formatMinor(12345678901234567890n, 'USD')).toBe('123456789012345678.90');
    expect(minorUnitsField(9007199254740991n)).toBe(9007199254740991);
    expect(minorUnitsField(9007199254740993n)).toBe('9007199254740993');
  });
});

describe('formatMinor', () => {
  it('formats by exponent', () => {
    expect(formatMinor(40495, 'USD')).toBe('404.95');
    expect(formatMinor(5, 'USD')).toBe('0.05');
    expect(formatMinor(1000, 'JPY')).toBe('1000');
    expect(formatMinor(1234, 'BHD')).toBe('1.234');
    expect(formatMinor(-150, 'EUR')).toBe('-1.50');
  });
});
