import { computeAward, toBaseMinor } from '../../functions/loyalty/domain/points';
import { DEMO_PROGRAM, programInput, tierForSpend, type ProgramInput } from '../../functions/loyalty/domain/program';
import { fieldErrorsFromZod } from '../../shared/http/problem';

const program: ProgramInput = {
  ...DEMO_PROGRAM,
  rules: [
    { kind: 'category', category: 'gift-cards', exclude: true },
    { kind: 'category', category: 'sustainable', multiplier: 2 },
    { kind: 'sku', sku: 'SPECIAL', multiplier: 3 },
  ],
  campaigns: [
    { id: 'bf', name: 'Black Friday', startsAt: '2026-11-27T00:00:00Z', endsAt: '2026-11-30T00:00:00Z', multiplier: 2 },
    { id: 'gold-bonus', name: 'Gold welcome', startsAt: '2026-01-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z', bonusPoints: 25, tiers: ['Gold'] },
  ],
};
const bronze = { tierName: 'Bronze', tierMultiplier: 1, firstPurchase: false };
const at = '2026-11-22T10:00:00.000Z';

describe('awards', () => {
  it('earns the base rate on the whole amount and explains it', () => {
    const award = computeAward(program, { amountMinor: 10000, currency: 'USD', items: [], occurredAt: at }, bronze);
    expect(award).toEqual({ points: 100, baseAmountMinor: 10000, explanation: [{ step: 'base', description: '100.00 USD × 1 point per USD', points: 100 }] });
  });

  it('applies category and SKU multipliers and exclusions per item, the unitemized rest at the base rate', () => {
    const award = computeAward(
      program,
      {
        amountMinor: 10000,
        currency: 'USD',
        items: [
          { category: 'sustainable', quantity: 2, unitPriceMinor: 1000 },
          { category: 'gift-cards', quantity: 1, unitPriceMinor: 5000 },
          { sku: 'SPECIAL', quantity: 1, unitPriceMinor: 1000 },
        ],
        occurredAt: at,
      },
      bronze,
    );
    // sustainable 20 × 2 = 40, gift card 0, SPECIAL 10 × 3 = 30, rest 20 × 1 = 20
    expect(award.points).toBe(90);
    expect(award.explanation.reduce((sum, step) => sum + step.points, 0)).toBe(90);
  });

  it('applies campaigns in their window and for their tiers, then the tier multiplier, then bonuses', () => {
    const during = computeAward(program, { amountMinor: 10000, currency: 'USD', items: [], occurredAt: '2026-11-28T12:00:00Z' }, bronze);
    expect(during.points).toBe(200);
    const gold = computeAward(program, { amountMinor: 10000, currency: 'USD', items: [], occurredAt: at }, { tierName: 'Gold', tierMultiplier: 1.5, firstPurchase: true });
    expect(gold.points).toBe(150 + 25 + 50);
    expect(gold.explanation.map((step) => step.step)).toEqual(['base', 'tier', 'bonus', 'bonus']);
  });

  it('converts other currencies exactly, and earns nothing without a rate (saying why)', () => {
    expect(toBaseMinor(program, 10000, 'EUR')).toBe(10800);
    expect(toBaseMinor(program, 1000, 'JPY')).toBeUndefined();
    const noRate = computeAward(program, { amountMinor: 1000, currency: 'JPY', items: [], occurredAt: at }, bronze);
    expect(noRate.points).toBe(0);
    expect(noRate.explanation[0]?.description).toMatch(/No conversion rate for JPY/);
    expect(computeAward(program, { amountMinor: 10000, currency: 'EUR', items: [], occurredAt: at }, bronze).points).toBe(108);
  });

  it('drops fractions once (integer points only)', () => {
    const award = computeAward({ ...program, pointsPerUnit: 1.5 }, { amountMinor: 999, currency: 'USD', items: [], occurredAt: at }, bronze);
    expect(award.points).toBe(14);
    expect(Number.isInteger(award.points)).toBe(true);
  });
});

describe('program validation', () => {
  it('accepts the demo program and finds tiers by qualifying spend', () => {
    expect(programInput.safeParse(DEMO_PROGRAM).success).toBe(true);
    expect(tierForSpend(DEMO_PROGRAM, 0).name).toBe('Bronze');
    expect(tierForSpend(DEMO_PROGRAM, 50000).name).toBe('Silver');
    expect(tierForSpend(DEMO_PROGRAM, 199999).name).toBe('Silver');
    expect(tierForSpend(DEMO_PROGRAM, 200000).name).toBe('Gold');
  });

  it.each([
    [{ tiers: [{ name: 'A', threshold: '10', multiplier: 1 }] }, '/tiers/0/threshold'],
    // Issue 7.4: thresholds are compared with spend in minor units, which stay within the amount bound.
    [{ tiers: [{ name: 'A', threshold: '0', multiplier: 1 }, { name: 'B', threshold: '1000000000.01', multiplier: 1 }] }, '/tiers/1/threshold'],
    [{ tiers: [{ name: 'A', threshold: '0', multiplier: 1 }, { name: 'B', threshold: '0', multiplier: 1 }] }, '/tiers/1/threshold'],
    [{ expiryReminderDays: 400 }, '/expiryReminderDays'],
    [{ pointsPerUnit: 1.234 }, '/pointsPerUnit'],
    [{ currencyRates: { EUR: '1,08' } }, '/currencyRates/EUR'],
    [{ campaigns: [{ id: 'c', name: 'C', startsAt: '2026-01-02T00:00:00Z', endsAt: '2026-01-01T00:00:00Z', multiplier: 2 }] }, '/campaigns/0/endsAt'],
    [{ campaigns: [{ id: 'c', name: 'C', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-02T00:00:00Z', multiplier: 2, tiers: ['Platinum'] }] }, '/campaigns/0/tiers/0'],
    [{ refundPolicy: 'sometimes' }, '/refundPolicy'],
  ])('rejects %j at %s', (patch, pointer) => {
    const result = programInput.safeParse({ ...DEMO_PROGRAM, ...patch });
    expect(result.success).toBe(false);
    if (!result.success) expect(fieldErrorsFromZod(result.error).map((error) => error.pointer)).toContain(pointer);
  });
});
