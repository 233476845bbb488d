import fc from 'fast-check';
import { allocateAmount, computeAward, MAX_AWARD_POINTS } from '../../functions/loyalty/domain/points';
import { DEMO_PROGRAM, hundredths, type ProgramInput } from '../../functions/loyalty/domain/program';

/**
 * Awards never exceed what the amount paid supports, however line items are priced (issue 7.1): a storefront that
 * sends items worth more than the order (discounts, or an attacker) cannot inflate points.
 */
const at = '2026-11-22T10:00:00.000Z';
const noTier = { tierName: 'Bronze', tierMultiplier: 1, firstPurchase: false };
const categories = ['a', 'b', 'c', 'd'];

const multiplier = fc.integer({ min: 1, max: 10_000 }).map((value) => value / 100);
const programArbitrary = fc.record({
  pointsPerUnit: multiplier,
  rules: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('category' as const), category: fc.constantFrom(...categories), multiplier }),
      fc.record({ kind: fc.constant('sku' as const), sku: fc.constantFrom('S1', 'S2', 'S3'), multiplier }),
      fc.record({ kind: fc.constant('category' as const), category: fc.constantFrom(...categories), exclude: fc.constant(true) }),
    ),
    { maxLength: 6 },
  ),
  campaignMultipliers: fc.array(multiplier, { maxLength: 3 }),
  tierMultiplier: multiplier,
});
const itemsArbitrary = fc.array(
  fc.record({
    sku: fc.option(fc.constantFrom('S1', 'S2', 'S3'), { nil: undefined }),
    category: fc.option(fc.constantFrom(...categories), { nil: undefined }),
    quantity: fc.integer({ min: 1, max: 1_000_000 }),
    unitPriceMinor: fc.option(fc.integer({ min: 1, max: 100_000_000_000 }), { nil: undefined }),
  }),
  { maxLength: 20 },
);
const amountArbitrary = fc.integer({ min: 1, max: 100_000_000_000 });

interface GeneratedProgram {
  pointsPerUnit: number;
  rules: ProgramInput['rules'];
  campaignMultipliers: number[];
  tierMultiplier: number;
}

function programOf(generated: GeneratedProgram): ProgramInput {
  return {
    ...DEMO_PROGRAM,
    bonuses: undefined,
    pointsPerUnit: generated.pointsPerUnit,
    rules: generated.rules,
    campaigns: generated.campaignMultipliers.map((value, index) => ({
      id: `c${index}`,
      name: `Campaign ${index}`,
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2027-01-01T00:00:00Z',
      multiplier: value,
    })),
  };
}

const largest = (values: number[]) => values.reduce((max, value) => (hundredths(value) > max ? hundredths(value) : max), 100n);

describe('award properties (fast-check)', () => {
  it('base and rule points never exceed amount × pointsPerUnit × largest rule × largest campaign × tier multiplier', () => {
    fc.assert(
      fc.property(programArbitrary, itemsArbitrary, amountArbitrary, (generated, items, amountMinor) => {
        const program = programOf(generated);
        const award = computeAward(program, { amountMinor, currency: 'USD', items, occurredAt: at }, { ...noTier, tierMultiplier: generated.tierMultiplier });
        const bonuses = award.explanation.filter((step) => step.step === 'bonus').reduce((sum, step) => sum + step.points, 0);
        const ruleMultipliers = (generated.rules ?? []).flatMap((rule) => ('multiplier' in rule && rule.multiplier ? [rule.multiplier] : []));
        // USD: 100 minor units per point at pointsPerUnit 1; every multiplier in hundredths.
        const bound =
          (BigInt(amountMinor) * hundredths(generated.pointsPerUnit) * largest(ruleMultipliers) * largest(generated.campaignMultipliers) * hundredths(generated.tierMultiplier)) /
          (100n * 100n * 100n * 100n * 100n);
        expect(BigInt(award.points - bonuses)).toBeLessThanOrEqual(bound);
        // The ledger explains its numbers: the steps add up to the award.
        expect(award.explanation.reduce((sum, step) => sum + step.points, 0)).toBe(award.points);
      }),
      { numRuns: 500 },
    );
  });

  it('identical items under one multiplier earn exactly the unitemized award times that multiplier', () => {
    fc.assert(
      fc.property(
        multiplier,
        multiplier,
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 100, max: 300 }),
        (pointsPerUnit, ruleMultiplier, quantity, unitPriceMinor, discountPercentOfItems) => {
          const itemsTotal = quantity * unitPriceMinor;
          // The order pays the items' value or less (a discount), never more: all of it is itemized.
          const amountMinor = Math.max(1, Math.floor((itemsTotal * 100) / discountPercentOfItems));
          const program = programOf({ pointsPerUnit, rules: [{ kind: 'category', category: 'a', multiplier: ruleMultiplier }], campaignMultipliers: [], tierMultiplier: 1 });
          const plain = computeAward(program, { amountMinor, currency: 'USD', items: [], occurredAt: at }, noTier);
          const itemized = computeAward(program, { amountMinor, currency: 'USD', items: [{ category: 'a', quantity, unitPriceMinor }], occurredAt: at }, noTier);
          const expected = (BigInt(plain.points) * hundredths(ruleMultiplier)) / 100n;
          expect(BigInt(itemized.points)).toBe(expected < BigInt(MAX_AWARD_POINTS) ? expected : BigInt(MAX_AWARD_POINTS));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('allocation shares add up to the amount exactly and never exceed an item its own value', () => {
    fc.assert(
      fc.property(itemsArbitrary, amountArbitrary, (items, amountMinor) => {
        const allocation = allocateAmount(amountMinor, amountMinor, items);
        const shares = allocation.itemShares.reduce<bigint>((sum, share) => sum + (share ?? 0n), 0n);
        expect(shares + allocation.restMinor).toBe(BigInt(amountMinor));
        items.forEach((item, index) => {
          const share = allocation.itemShares[index];
          if (item.unitPriceMinor === undefined) expect(share).toBeUndefined();
          else expect(share as bigint).toBeLessThanOrEqual(BigInt(item.unitPriceMinor) * BigInt(item.quantity));
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('awards from line items (regressions)', () => {
  it('caps one award at 10^12 points and explains every step exactly', () => {
    const program: ProgramInput = {
      ...DEMO_PROGRAM,
      baseCurrency: 'JPY',
      currencyRates: {},
      pointsPerUnit: 100,
      bonuses: undefined,
      rules: [{ kind: 'category', category: 'a', multiplier: 100 }],
      campaigns: [{ id: 'x', name: 'X', startsAt: '2026-01-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z', multiplier: 100 }],
    };
    const award = computeAward(program, { amountMinor: 100_000_000_000, currency: 'JPY', items: [{ category: 'a', quantity: 1, unitPriceMinor: 100_000_000_000 }], occurredAt: at }, { ...noTier, tierMultiplier: 100 });
    expect(award.points).toBe(MAX_AWARD_POINTS);
    expect(award.explanation.every((step) => Number.isSafeInteger(step.points))).toBe(true);
    expect(award.explanation.reduce((sum, step) => sum + step.points, 0)).toBe(MAX_AWARD_POINTS);
    expect(award.explanation.some((step) => step.step === 'limit')).toBe(true);
  });

  it('a 10.00 order claiming a million items at 1,000.00 earns what 10.00 earns, not a billion points', () => {
    const award = computeAward(
      { ...DEMO_PROGRAM, bonuses: undefined },
      { amountMinor: 1000, currency: 'USD', items: [{ sku: 'X', quantity: 1_000_000, unitPriceMinor: 100_000 }], occurredAt: at },
      noTier,
    );
    expect(award.points).toBe(10);
    expect(award.explanation.some((step) => step.step === 'note' && /scaled down/.test(step.description))).toBe(true);
  });

  it('a discounted order (total 10.00, items 100.00 under a ×2 rule) earns 20 points, not 200', () => {
    const award = computeAward(
      { ...DEMO_PROGRAM, bonuses: undefined },
      {
        amountMinor: 1000,
        currency: 'USD',
        items: [
          { category: 'sustainable', quantity: 2, unitPriceMinor: 2500 },
          { category: 'sustainable', quantity: 1, unitPriceMinor: 5000 },
        ],
        occurredAt: at,
      },
      noTier,
    );
    expect(award.points).toBe(20);
    expect(award.explanation.reduce((sum, step) => sum + step.points, 0)).toBe(20);
  });

  it('when items cover part of the order, the rest earns the base rate and discounts scale only what exists', () => {
    const award = computeAward(
      { ...DEMO_PROGRAM, bonuses: undefined },
      { amountMinor: 10000, currency: 'USD', items: [{ category: 'sustainable', quantity: 1, unitPriceMinor: 4000 }], occurredAt: at },
      noTier,
    );
    // 40.00 × 2 + 60.00 × 1
    expect(award.points).toBe(140);
  });

  it('matching rules and overlapping campaigns do not compound: the most generous applies', () => {
    const program: ProgramInput = {
      ...DEMO_PROGRAM,
      bonuses: undefined,
      rules: [
        { kind: 'category', category: 'sustainable', multiplier: 2 },
        { kind: 'sku', sku: 'ECO', multiplier: 3 },
      ],
      campaigns: [
        { id: 'one', name: 'One', startsAt: '2026-01-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z', multiplier: 2 },
        { id: 'two', name: 'Two', startsAt: '2026-01-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z', multiplier: 1.5 },
      ],
    };
    const award = computeAward(program, { amountMinor: 10000, currency: 'USD', items: [{ sku: 'ECO', category: 'sustainable', quantity: 1, unitPriceMinor: 10000 }], occurredAt: at }, noTier);
    expect(award.points).toBe(100 * 3 * 2);
  });
});
