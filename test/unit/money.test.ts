import fc from 'fast-check';
import { formatMinor, parseMajorAmount } from '../../shared/domain/money';

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
    ['10.00', 'XYZ', 'unknown-currency'],
  ])('%p %s fails with %s', (amount, currency, kind) => {
    const result = parseMajorAmount(amount, currency);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure.kind).toBe(kind);
  });

  it('round-trips every minor amount through its decimal text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), fc.constantFrom('USD', 'JPY', 'BHD', 'CLF'), (minor, currency) => {
        const parsed = parseMajorAmount(formatMinor(minor, currency), currency);
        expect(parsed).toEqual({ ok: true, money: { amountMinor: minor, currency } });
      }),
    );
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
