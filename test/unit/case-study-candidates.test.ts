import fc from 'fast-check';
import {
  addCaseStudyNote,
  isExcludedAt,
  MAX_NOTE_LENGTH,
  MAX_NOTES,
  moveCaseStudy,
  NEXT_STAGES,
  SCORE_RULES,
  scoreCandidate,
  scoreSortKey,
  startCaseStudy,
  type AdvocacyProfile,
  type CandidateScore,
  type CaseStudy,
  type CaseStudyStage,
  type Factor,
} from '../../functions/testimonials/domain/candidates';

/**
 * Case-study candidates: the transparent score (each factor, its cap and its explanation), eligibility, the exclusion
 * window with its came-round rule, the index sort key, and the pipeline a marketer moves a candidate through.
 */
const WINDOW = 90;
const DAY = 86_400_000;
const t0 = '2026-03-01T10:00:00.000Z';
const days = (iso: string, count: number) => new Date(Date.parse(iso) + count * DAY).toISOString();
const ms = (iso: string, count: number) => new Date(Date.parse(iso) + count).toISOString();

const nobody: AdvocacyProfile = {
  customerId: 'cus_1',
  promoterAnswers: 0,
  spendMinor: {},
  refundedMinor: {},
  orders: 0,
  referralsRewarded: 0,
  testimonials: { approvedPublic: 0, approvedAnonymous: 0 },
};
const profileOf = (overrides: Partial<AdvocacyProfile>): AdvocacyProfile => ({ ...nobody, ...overrides });
const score = (overrides: Partial<AdvocacyProfile>, windowDays = WINDOW) => scoreCandidate(profileOf(overrides), windowDays);
const reasonOf = (result: CandidateScore, factor: Factor) => result.reasons.find((reason) => reason.factor === factor);
const pointsOf = (overrides: Partial<AdvocacyProfile>, factor: Factor) => reasonOf(score(overrides), factor)?.points ?? 0;
const testimonials = (approvedPublic: number, approvedAnonymous: number, bestRating?: number) => ({ approvedPublic, approvedAnonymous, ...(bestRating === undefined ? {} : { bestRating }) });

/** Runs `run` with every way of reading the current time throwing, to prove the code under test never reads it. */
function withoutClock<T>(run: () => T): T {
  const RealDate = globalThis.Date;
  const refuse = () => {
    throw new Error('the clock was read');
  };
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args) => (args.length === 0 ? refuse() : Reflect.construct(target, args)),
    apply: refuse,
    get: (target, property) => (property === 'now' ? refuse : Reflect.get(target, property)),
  });
  try {
    return run();
  } finally {
    globalThis.Date = RealDate;
  }
}

describe('SCORE_RULES', () => {
  it('documents a maximum score that is the sum of the factor caps, and cannot be changed at run time', () => {
    const factors: Factor[] = ['promoter', 'testimonial', 'tier', 'spend', 'tenure', 'referrals'];
    expect(SCORE_RULES.maxScore).toBe(factors.reduce((sum, factor) => sum + SCORE_RULES[factor].maxPoints, 0));
    expect(SCORE_RULES.maxScore).toBe(40 + 25 + 20 + 20 + 12 + 15);
    expect(Object.isFrozen(SCORE_RULES)).toBe(true);
    expect(Object.isFrozen(SCORE_RULES.promoter)).toBe(true);
    expect(() => {
      (SCORE_RULES.promoter as { maxPoints: number }).maxPoints = 1000;
    }).toThrow(TypeError);
    for (const factor of factors) expect(SCORE_RULES[factor].rule).toEqual(expect.any(String));
  });

  it('a profile maxing every factor scores exactly maxScore', () => {
    const result = score({
      promoterAnswers: 50,
      lastPromoterAt: t0,
      testimonials: testimonials(3, 3),
      tier: { name: 'Platinum', rank: 9 },
      spendMinor: { USD: 10 ** 12 },
      orders: 400,
      firstPurchaseAt: '2015-01-01T00:00:00.000Z',
      lastPurchaseAt: t0,
      referralsRewarded: 40,
    });
    expect(result.score).toBe(SCORE_RULES.maxScore);
    expect(result.reasons.every((reason) => reason.points === reason.maxPoints)).toBe(true);
  });
});

describe('promoter factor', () => {
  it.each([
    [0, 0],
    [1, 30],
    [2, 35],
    [3, 40],
    [4, 40],
    [1_000_000, 40],
  ])('%i promoter answers → %i points', (answers, points) => {
    expect(pointsOf({ promoterAnswers: answers, lastPromoterAt: answers > 0 ? '2026-11-02T08:00:00.000Z' : undefined }, 'promoter')).toBe(points);
  });

  it('explains the count and the date of the latest answer, with the count as its value', () => {
    const result = score({ promoterAnswers: 2, lastPromoterAt: '2026-11-02T23:30:00.000Z' });
    expect(reasonOf(result, 'promoter')).toEqual({ factor: 'promoter', points: 35, maxPoints: 40, detail: '2 promoter answers, the latest on 2026-11-02', value: 2 });
    expect(reasonOf(score({ promoterAnswers: 1 }), 'promoter')?.detail).toBe('1 promoter answer');
  });

  it('dates the latest answer in UTC, whatever offset it was stored with', () => {
    expect(reasonOf(score({ promoterAnswers: 1, lastPromoterAt: '2026-11-03T01:00:00+02:00' }), 'promoter')?.detail).toBe('1 promoter answer, the latest on 2026-11-02');
  });
});

describe('testimonial factor', () => {
  it.each([
    [testimonials(0, 0), 0],
    [testimonials(0, 1), 10],
    [testimonials(0, 7), 10],
    [testimonials(1, 0), 25],
    [testimonials(1, 5), 25],
    [testimonials(9, 9), 25],
  ])('%j → %i points', (counts, points) => {
    expect(pointsOf({ testimonials: counts }, 'testimonial')).toBe(points);
  });

  it('says whether the testimonial may be published with the name, and shows the best rating', () => {
    expect(reasonOf(score({ testimonials: testimonials(2, 1, 5) }), 'testimonial')).toEqual({
      factor: 'testimonial',
      points: 25,
      maxPoints: 25,
      detail: '2 approved testimonials to publish with name, best rating 5',
      value: 2,
    });
    expect(reasonOf(score({ testimonials: testimonials(0, 1) }), 'testimonial')).toMatchObject({ points: 10, value: 1, detail: '1 approved anonymous testimonial, none to publish with name' });
  });
});

describe('tier factor', () => {
  it.each([
    [0, 0],
    [1, 5],
    [3, 15],
    [4, 20],
    [5, 20],
  ])('rank %i → %i points', (rank, points) => {
    expect(pointsOf({ tier: { name: 'Any', rank } }, 'tier')).toBe(points);
  });

  it('names the tier; the base tier and no tier give no reason', () => {
    expect(reasonOf(score({ tier: { name: 'Gold', rank: 2 } }), 'tier')).toEqual({ factor: 'tier', points: 10, maxPoints: 20, detail: 'tier Gold (rank 2)', value: 2 });
    expect(reasonOf(score({ tier: { name: 'Member', rank: 0 } }), 'tier')).toBeUndefined();
    expect(score({}).reasons).toEqual([]);
  });
});

describe('spend factor', () => {
  it('counts 1 point per 100 major units of net spend, and explains it in grouped major units', () => {
    expect(reasonOf(score({ spendMinor: { USD: 123_456 }, orders: 7 }), 'spend')).toEqual({
      factor: 'spend',
      points: 12,
      maxPoints: 20,
      detail: 'USD 1,234.56 net over 7 orders',
      value: 1234.56,
    });
    expect(reasonOf(score({ spendMinor: { USD: 123_456_789 }, orders: 1 }), 'spend')?.detail).toBe('USD 1,234,567.89 net over 1 order');
  });

  it.each([
    [9_999, 0],
    [10_000, 1],
    [19_999, 1],
    [199_999, 19],
    [200_000, 20],
    [Number.MAX_SAFE_INTEGER, 20],
  ])('USD %i minor units → %i points (floor, capped)', (minor, points) => {
    expect(pointsOf({ spendMinor: { USD: minor } }, 'spend')).toBe(points);
  });

  it('subtracts refunds, and refunds above spend count as 0, never as negative points', () => {
    expect(pointsOf({ spendMinor: { USD: 150_000 }, refundedMinor: { USD: 60_000 } }, 'spend')).toBe(9);
    const overRefunded = score({ promoterAnswers: 1, spendMinor: { USD: 10_000 }, refundedMinor: { USD: 500_000 } });
    expect(reasonOf(overRefunded, 'spend')).toBeUndefined();
    expect(overRefunded.score).toBe(30);
    // A refund in a currency with no recorded spend takes nothing from the other currencies.
    expect(pointsOf({ spendMinor: { USD: 50_000 }, refundedMinor: { EUR: 9_000_000 } }, 'spend')).toBe(5);
  });

  it('scores each currency on its own and keeps the best, never adding currencies together', () => {
    const result = score({ spendMinor: { USD: 50_000, EUR: 150_000, GBP: 100_000 }, refundedMinor: { EUR: 10_000 }, orders: 3 });
    expect(reasonOf(result, 'spend')).toMatchObject({ points: 14, detail: 'EUR 1,400.00 net over 3 orders', value: 1400 });
    expect(pointsOf({ spendMinor: { USD: 100_000, EUR: 100_000 } }, 'spend')).toBe(10);
    // The best is judged after refunds: USD had the most gross, EUR the most net.
    expect(reasonOf(score({ spendMinor: { USD: 190_000, EUR: 120_000 }, refundedMinor: { USD: 180_000 } }), 'spend')?.detail).toMatch(/^EUR 1,200\.00/);
  });

  it('on equal points picks the larger amount, then the first code, so the explanation is deterministic', () => {
    // Both cap at 20; USD has more (and comes later in the alphabet, so the code is not what decided).
    expect(reasonOf(score({ spendMinor: { USD: 900_000_000, EUR: 300_000_000 } }), 'spend')?.detail).toMatch(/^USD 9,000,000\.00/);
    expect(reasonOf(score({ spendMinor: { EUR: 300_000_000, USD: 900_000_000 } }), 'spend')?.detail).toMatch(/^USD 9,000,000\.00/);
    // Compared in major units: ¥3,000,000 is more major units than $2,500,000.00, though fewer minor units.
    expect(reasonOf(score({ spendMinor: { USD: 250_000_000, JPY: 3_000_000 } }), 'spend')?.detail).toMatch(/^JPY 3,000,000 /);
    expect(reasonOf(score({ spendMinor: { USD: 550_000, EUR: 550_000 } }), 'spend')?.detail).toMatch(/^EUR/);
    expect(reasonOf(score({ spendMinor: { USD: 550_000, EUR: 550_000 } }), 'spend')?.detail).toBe(reasonOf(score({ spendMinor: { EUR: 550_000, USD: 550_000 } }), 'spend')?.detail);
  });

  it('reads minor units by the currency exponent: JPY has none, KWD three, an unknown code is treated as two', () => {
    expect(pointsOf({ spendMinor: { JPY: 1_999 } }, 'spend')).toBe(19);
    expect(pointsOf({ spendMinor: { JPY: 99 } }, 'spend')).toBe(0);
    expect(pointsOf({ spendMinor: { JPY: 100 } }, 'spend')).toBe(1);
    expect(reasonOf(score({ spendMinor: { JPY: 1_234 }, orders: 2 }), 'spend')).toMatchObject({ points: 12, detail: 'JPY 1,234 net over 2 orders', value: 1234 });
    expect(pointsOf({ spendMinor: { KWD: 99_999 } }, 'spend')).toBe(0);
    expect(pointsOf({ spendMinor: { KWD: 100_000 } }, 'spend')).toBe(1);
    expect(reasonOf(score({ spendMinor: { KWD: 1_234_567 } }), 'spend')).toMatchObject({ points: 12, detail: 'KWD 1,234.567 net over 0 orders', value: 1234.567 });
    // 'ZZZ' is no ISO 4217 currency: two decimals assumed, as for most.
    expect(pointsOf({ spendMinor: { ZZZ: 9_999 } }, 'spend')).toBe(0);
    expect(pointsOf({ spendMinor: { ZZZ: 10_000 } }, 'spend')).toBe(1);
  });

  it('JPY beats USD only by its own measure: 100 yen per point is not 100 dollars', () => {
    expect(pointsOf({ spendMinor: { JPY: 50_000, USD: 10_000 } }, 'spend')).toBe(20); // ¥50,000 caps; $100 is 1
    expect(reasonOf(score({ spendMinor: { JPY: 150, USD: 20_000 } }), 'spend')?.detail).toMatch(/^USD 200\.00/);
  });

  it('computes points exactly in integers for any amount and exponent', () => {
    const exponents = { JPY: 0, USD: 2, KWD: 3, CLF: 4 } as const;
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(exponents) as (keyof typeof exponents)[])), fc.maxSafeNat(), fc.maxSafeNat(), (currency, spend, refunded) => {
        const net = BigInt(Math.max(0, spend - refunded));
        const expected = Number(net / 10n ** BigInt(exponents[currency] + 2) > 20n ? 20n : net / 10n ** BigInt(exponents[currency] + 2));
        expect(pointsOf({ spendMinor: { [currency]: spend }, refundedMinor: { [currency]: refunded } }, 'spend')).toBe(expected);
      }),
    );
  });
});

describe('tenure factor', () => {
  const first = '2025-01-01T12:00:00.000Z';
  it.each([
    [0, 0],
    [30 * DAY - 1, 0],
    [30 * DAY, 1],
    [59 * DAY, 1],
    [60 * DAY, 2],
    [360 * DAY - 1, 11],
    [360 * DAY, 12],
    [3000 * DAY, 12],
  ])('%i ms between first and latest purchase → %i points', (span, points) => {
    expect(pointsOf({ firstPurchaseAt: first, lastPurchaseAt: ms(first, span) }, 'tenure')).toBe(points);
  });

  it('measures from the first to the latest purchase, not to now', () => {
    // Bought twice in early 2020, never since: years have passed, but the profile holds 60 days of purchases.
    const result = score({ firstPurchaseAt: '2020-01-01T00:00:00.000Z', lastPurchaseAt: '2020-03-01T00:00:00.000Z' });
    expect(reasonOf(result, 'tenure')).toEqual({
      factor: 'tenure',
      points: 2,
      maxPoints: 12,
      detail: '60 days between the first purchase (2020-01-01) and the latest (2020-03-01)',
      value: 60,
    });
    // A single purchase (or one date missing) is no tenure, however long ago it was.
    expect(pointsOf({ firstPurchaseAt: '2010-01-01T00:00:00.000Z' }, 'tenure')).toBe(0);
    expect(pointsOf({ lastPurchaseAt: '2010-01-01T00:00:00.000Z' }, 'tenure')).toBe(0);
    expect(pointsOf({ firstPurchaseAt: '2010-01-01T00:00:00.000Z', lastPurchaseAt: '2010-01-01T00:00:00.000Z' }, 'tenure')).toBe(0);
  });

  it('compares instants, not text: offsets are honoured', () => {
    // 30 days minus one hour once the +01:00 offset is applied.
    expect(pointsOf({ firstPurchaseAt: '2025-01-01T00:00:00.000Z', lastPurchaseAt: '2025-01-31T00:00:00.000+01:00' }, 'tenure')).toBe(0);
    expect(pointsOf({ firstPurchaseAt: '2025-01-01T00:00:00.000Z', lastPurchaseAt: '2025-01-31T00:00:00.000-01:00' }, 'tenure')).toBe(1);
  });
});

describe('referrals factor', () => {
  it.each([
    [0, 0],
    [1, 5],
    [2, 10],
    [3, 15],
    [4, 15],
    [500, 15],
  ])('%i referrals that paid off → %i points', (referrals, points) => {
    expect(pointsOf({ referralsRewarded: referrals }, 'referrals')).toBe(points);
  });

  it('explains the count', () => {
    expect(reasonOf(score({ referralsRewarded: 1 }), 'referrals')).toEqual({ factor: 'referrals', points: 5, maxPoints: 15, detail: '1 referral that paid off', value: 1 });
  });
});

describe('the score and its reasons', () => {
  it('lists only factors with points, by points descending and then by factor name', () => {
    const result = score({
      promoterAnswers: 1,
      tier: { name: 'Platinum', rank: 4 }, // 20
      spendMinor: { USD: 250_000 }, // 20 (capped)
      referralsRewarded: 1, // 5
      firstPurchaseAt: '2025-01-01T00:00:00.000Z',
      lastPurchaseAt: '2025-06-01T00:00:00.000Z', // 151 days → 5
    });
    expect(result.reasons.map((reason) => [reason.factor, reason.points])).toEqual([
      ['promoter', 30],
      ['spend', 20],
      ['tier', 20],
      ['referrals', 5],
      ['tenure', 5],
    ]);
    expect(result.score).toBe(80);
  });

  it('README example: a promoter with an approved public testimonial and high spend ranks first', () => {
    const advocate = profileOf({
      customerId: 'ada',
      promoterAnswers: 2,
      lastPromoterAt: '2026-11-02T09:00:00.000Z',
      testimonials: testimonials(1, 0, 5),
      tier: { name: 'Gold', rank: 2 },
      spendMinor: { USD: 254_000 },
      orders: 12,
      firstPurchaseAt: '2025-01-10T00:00:00.000Z',
      lastPurchaseAt: '2026-10-20T00:00:00.000Z',
    });
    const anonymousPromoter = profileOf({ customerId: 'bo', promoterAnswers: 3, testimonials: testimonials(0, 2), spendMinor: { USD: 40_000 }, orders: 2 });
    const referrer = profileOf({ customerId: 'cy', referralsRewarded: 3, tier: { name: 'Silver', rank: 1 } });
    const bigSpender = profileOf({
      customerId: 'di',
      tier: { name: 'Platinum', rank: 4 },
      spendMinor: { USD: 9_000_000 },
      orders: 80,
      firstPurchaseAt: '2020-01-01T00:00:00.000Z',
      lastPurchaseAt: '2026-10-01T00:00:00.000Z',
    });

    const ranked = [bigSpender, referrer, anonymousPromoter, advocate]
      .map((profile) => ({ customerId: profile.customerId, result: scoreCandidate(profile, WINDOW) }))
      .filter(({ result }) => result.eligible)
      .sort((a, b) => b.result.score - a.result.score);
    expect(ranked.map(({ customerId, result }) => [customerId, result.score])).toEqual([
      ['ada', 35 + 25 + 20 + 10 + 12], // promoter, testimonial, spend (capped), tier, tenure (648 days, capped)
      ['bo', 40 + 10 + 4],
      ['cy', 15 + 5],
    ]);
    expect(ranked[0]?.result.reasons.map((reason) => reason.detail)).toEqual([
      '2 promoter answers, the latest on 2026-11-02',
      '1 approved testimonial to publish with name, best rating 5',
      'USD 2,540.00 net over 12 orders',
      '648 days between the first purchase (2025-01-10) and the latest (2026-10-20)',
      'tier Gold (rank 2)',
    ]);
  });

  it('never reads the clock: the same profile scores the same whenever it is scored', () => {
    const profile = profileOf({
      promoterAnswers: 2,
      lastPromoterAt: '2024-05-01T00:00:00.000Z',
      lastDetractorAt: '2024-06-01T00:00:00.000Z',
      lastRefundAt: '2024-07-01T00:00:00.000Z',
      spendMinor: { EUR: 90_000 },
      firstPurchaseAt: '2023-01-01T00:00:00.000Z',
      lastPurchaseAt: '2024-07-01T00:00:00.000Z',
    });
    // The guard itself works: every way of asking for the time throws inside it.
    expect(() => withoutClock(() => Date.now())).toThrow('the clock was read');
    expect(() => withoutClock(() => new Date())).toThrow('the clock was read');
    expect(withoutClock(() => new Date(0).toISOString())).toBe('1970-01-01T00:00:00.000Z');
    const normally = scoreCandidate(profile, WINDOW);
    expect(withoutClock(() => scoreCandidate(profile, WINDOW))).toEqual(normally);
    expect(withoutClock(() => isExcludedAt(normally, '2024-08-01T00:00:00.000Z'))).toBe(true);
  });

  it('holds its invariants for any valid profile', () => {
    const instant = fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2035, 0, 1) }).map((at) => new Date(at).toISOString());
    const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
    const amounts = fc.dictionary(fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'ZZZ'), fc.nat({ max: 10_000_000 }));
    const profile = fc
      .record({
        promoterAnswers: fc.nat({ max: 6 }),
        lastPromoterAt: maybe(instant),
        lastDetractorAt: maybe(instant),
        tier: maybe(fc.record({ name: fc.constantFrom('Member', 'Silver', 'Gold'), rank: fc.nat({ max: 6 }) })),
        spendMinor: amounts,
        refundedMinor: amounts,
        orders: fc.nat({ max: 100 }),
        purchases: maybe(fc.tuple(instant, instant).map(([a, b]) => (a < b ? [a, b] : [b, a]))),
        lastRefundAt: maybe(instant),
        referralsRewarded: fc.nat({ max: 5 }),
        testimonials: fc.record({ approvedPublic: fc.nat({ max: 2 }), approvedAnonymous: fc.nat({ max: 2 }) }),
      })
      .map(({ purchases, ...rest }): AdvocacyProfile => ({ customerId: 'cus_prop', ...rest, firstPurchaseAt: purchases?.[0], lastPurchaseAt: purchases?.[1] }));

    fc.assert(
      fc.property(profile, fc.integer({ min: 1, max: 3650 }), (candidate, windowDays) => {
        const result = scoreCandidate(candidate, windowDays);
        expect(Number.isInteger(result.score)).toBe(true);
        expect(result.score).toBe(result.reasons.reduce((sum, reason) => sum + reason.points, 0));
        expect(result.score).toBeLessThanOrEqual(SCORE_RULES.maxScore);
        for (const reason of result.reasons) {
          expect(reason.points).toBeGreaterThan(0);
          expect(reason.points).toBeLessThanOrEqual(reason.maxPoints);
          expect(reason.maxPoints).toBe(SCORE_RULES[reason.factor].maxPoints);
        }
        for (let index = 1; index < result.reasons.length; index++) {
          const [before, after] = [result.reasons[index - 1]!, result.reasons[index]!];
          expect(before.points > after.points || (before.points === after.points && before.factor < after.factor)).toBe(true);
        }
        const advocated = candidate.promoterAnswers > 0 || candidate.testimonials.approvedPublic > 0 || candidate.testimonials.approvedAnonymous > 0 || candidate.referralsRewarded > 0;
        expect(result.eligible).toBe(advocated && result.score > 0);
        const latestUntil = result.exclusions.map((exclusion) => exclusion.until).sort().at(-1);
        expect(result.excludedUntil).toBe(latestUntil);
        expect(scoreSortKey(result.score)).toHaveLength(6);
      }),
    );
  });
});

describe('eligibility', () => {
  it('a big spender who never advocated scores, but is not a candidate', () => {
    const result = score({
      tier: { name: 'Platinum', rank: 4 },
      spendMinor: { USD: 50_000_000 },
      orders: 200,
      firstPurchaseAt: '2019-01-01T00:00:00.000Z',
      lastPurchaseAt: '2026-01-01T00:00:00.000Z',
    });
    expect(result.score).toBe(20 + 20 + 12);
    expect(result.eligible).toBe(false);
  });

  it('each advocacy signal alone makes a customer eligible', () => {
    expect(score({ promoterAnswers: 1 }).eligible).toBe(true);
    expect(score({ testimonials: testimonials(1, 0) }).eligible).toBe(true);
    expect(score({ testimonials: testimonials(0, 1) }).eligible).toBe(true);
    expect(score({ referralsRewarded: 1 }).eligible).toBe(true);
  });

  it('nothing at all scores 0 and is not eligible; a best rating without an approved testimonial is no signal', () => {
    expect(score({})).toEqual({ score: 0, reasons: [], exclusions: [], eligible: false });
    expect(score({ testimonials: testimonials(0, 0, 5) }).eligible).toBe(false);
  });

  it('an exclusion does not change the score or eligibility (those must hold whenever they are read)', () => {
    const clean = score({ promoterAnswers: 1, spendMinor: { USD: 100_000 } });
    const refunded = score({ promoterAnswers: 1, spendMinor: { USD: 100_000 }, lastRefundAt: t0 });
    expect(refunded.score).toBe(clean.score);
    expect(refunded.eligible).toBe(true);
    expect(refunded.excludedUntil).toBe(days(t0, WINDOW));
  });
});

describe('exclusions', () => {
  it('a refund excludes until windowDays after it', () => {
    const result = score({ promoterAnswers: 1, lastRefundAt: t0 });
    expect(result.exclusions).toEqual([{ factor: 'refund', at: t0, until: days(t0, 90), detail: 'refund on 2026-03-01, excluded for 90 days' }]);
    expect(result.excludedUntil).toBe('2026-05-30T10:00:00.000Z');
    expect(score({ lastRefundAt: t0 }, 1).excludedUntil).toBe('2026-03-02T10:00:00.000Z');
    expect(score({ lastRefundAt: t0 }, 3650).excludedUntil).toBe(days(t0, 3650));
  });

  it('a detractor answer excludes until windowDays after it', () => {
    const result = score({ lastDetractorAt: t0 });
    expect(result.exclusions).toEqual([
      { factor: 'detractor', at: t0, until: days(t0, 90), detail: 'detractor answer on 2026-03-01 with no later promoter answer, excluded for 90 days' },
    ]);
  });

  it('came round: a promoter answer after the detractor answer lifts the detractor exclusion', () => {
    expect(score({ promoterAnswers: 1, lastDetractorAt: t0, lastPromoterAt: ms(t0, 1) }).exclusions).toEqual([]);
    expect(score({ promoterAnswers: 1, lastDetractorAt: t0, lastPromoterAt: ms(t0, 1) }).excludedUntil).toBeUndefined();
    // Before, or at the same instant, is not coming round.
    expect(score({ promoterAnswers: 1, lastDetractorAt: t0, lastPromoterAt: ms(t0, -1) }).excludedUntil).toBe(days(t0, 90));
    expect(score({ promoterAnswers: 1, lastDetractorAt: t0, lastPromoterAt: t0 }).excludedUntil).toBe(days(t0, 90));
    // Compared as instants: 11:00+02:00 is 09:00Z, before the 10:00Z detractor answer, though its text sorts later.
    expect(score({ promoterAnswers: 1, lastDetractorAt: t0, lastPromoterAt: '2026-03-01T11:00:00.000+02:00' }).excludedUntil).toBe(days(t0, 90));
  });

  it('a later promoter answer does not lift a refund exclusion', () => {
    const result = score({ promoterAnswers: 1, lastRefundAt: t0, lastDetractorAt: t0, lastPromoterAt: days(t0, 1) });
    expect(result.exclusions.map((exclusion) => exclusion.factor)).toEqual(['refund']);
    expect(result.excludedUntil).toBe(days(t0, 90));
  });

  it('with both, excludedUntil is the later end, whichever comes first', () => {
    expect(score({ lastRefundAt: t0, lastDetractorAt: days(t0, 10) }).excludedUntil).toBe(days(t0, 100));
    expect(score({ lastRefundAt: days(t0, 10), lastDetractorAt: t0 }).excludedUntil).toBe(days(t0, 100));
    expect(score({ lastRefundAt: t0, lastDetractorAt: days(t0, 10) }).exclusions.map((exclusion) => exclusion.factor)).toEqual(['refund', 'detractor']);
  });

  it('keeps exclusions that are over: which are over depends on when one asks, and the score cannot know', () => {
    expect(score({ lastRefundAt: '2016-01-01T00:00:00.000Z' }).excludedUntil).toBe('2016-03-31T00:00:00.000Z');
  });

  it('writes instants in UTC, so excludedUntil compares as text', () => {
    const result = score({ lastRefundAt: '2026-03-01T12:00:00+02:00' });
    expect(result.exclusions[0]).toMatchObject({ at: t0, until: days(t0, 90) });
  });
});

describe('isExcludedAt', () => {
  const excluded = score({ lastRefundAt: t0 });
  const until = days(t0, WINDOW);

  it('is excluded up to the last millisecond before excludedUntil, and not from excludedUntil on', () => {
    expect(isExcludedAt(excluded, t0)).toBe(true);
    expect(isExcludedAt(excluded, ms(until, -1))).toBe(true);
    expect(isExcludedAt(excluded, until)).toBe(false);
    expect(isExcludedAt(excluded, ms(until, 1))).toBe(false);
    expect(isExcludedAt(excluded, '2040-01-01T00:00:00.000Z')).toBe(false);
  });

  it('is never excluded without exclusions', () => {
    expect(isExcludedAt({}, t0)).toBe(false);
    expect(isExcludedAt(score({ promoterAnswers: 1 }), t0)).toBe(false);
  });

  it('compares instants: a now with an offset is the same moment', () => {
    // 01:00+02:00 is 23:00Z the day before, 1 hour before excludedUntil, though the text sorts after it.
    expect(until).toBe('2026-05-30T10:00:00.000Z');
    expect(isExcludedAt(excluded, '2026-05-30T11:00:00.000+02:00')).toBe(true);
    expect(isExcludedAt(excluded, '2026-05-30T12:00:00.000+02:00')).toBe(false);
    expect(isExcludedAt(excluded, '2026-05-30T10:00:00Z')).toBe(false);
  });

  it('refuses a now that is not a timestamp, even without exclusions', () => {
    expect(() => isExcludedAt(excluded, 'now')).toThrow(RangeError);
    expect(() => isExcludedAt({}, '2026-05-30')).toThrow(/now/);
    expect(() => isExcludedAt({ excludedUntil: 'soon' }, t0)).toThrow(/excludedUntil/);
  });
});

describe('scoreSortKey', () => {
  it('pads to six digits', () => {
    expect(scoreSortKey(0)).toBe('000000');
    expect(scoreSortKey(7)).toBe('000007');
    expect(scoreSortKey(132)).toBe('000132');
    expect(scoreSortKey(999_999)).toBe('999999');
    expect(scoreSortKey(-0)).toBe('000000');
  });

  it.each([-1, 1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, 1_000_000, Number.MAX_SAFE_INTEGER + 1])('refuses %p', (value) => {
    expect(() => scoreSortKey(value)).toThrow(RangeError);
  });

  it('orders keys as text exactly as the scores order as numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 999_999 }), (a, b) => {
        const [keyA, keyB] = [scoreSortKey(a), scoreSortKey(b)];
        expect(keyA).toHaveLength(6);
        expect(Math.sign(a - b)).toBe(keyA < keyB ? -1 : keyA > keyB ? 1 : 0);
        expect(Number(keyA)).toBe(a);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SCORE_RULES.maxScore }), { maxLength: 50 }), (scores) => {
        const byKey = [...scores].sort((a, b) => (scoreSortKey(a) < scoreSortKey(b) ? -1 : scoreSortKey(a) > scoreSortKey(b) ? 1 : 0));
        expect(byKey).toEqual([...scores].sort((a, b) => a - b));
      }),
    );
  });
});

describe('invalid profiles throw a RangeError naming the field', () => {
  const invalid: [string, Partial<AdvocacyProfile>, RegExp][] = [
    ['negative promoterAnswers', { promoterAnswers: -1 }, /promoterAnswers/],
    ['fractional promoterAnswers', { promoterAnswers: 1.5 }, /promoterAnswers/],
    ['NaN promoterAnswers', { promoterAnswers: Number.NaN }, /promoterAnswers/],
    ['promoterAnswers as text', { promoterAnswers: '3' as unknown as number }, /promoterAnswers/],
    ['negative orders', { orders: -2 }, /orders/],
    ['unsafe referralsRewarded', { referralsRewarded: Number.MAX_SAFE_INTEGER + 1 }, /referralsRewarded/],
    ['negative approvedPublic', { testimonials: testimonials(-1, 0) }, /testimonials\.approvedPublic/],
    ['fractional approvedAnonymous', { testimonials: testimonials(0, 0.5) }, /testimonials\.approvedAnonymous/],
    ['NaN bestRating', { testimonials: testimonials(1, 0, Number.NaN) }, /testimonials\.bestRating/],
    ['negative tier rank', { tier: { name: 'Gold', rank: -1 } }, /tier\.rank/],
    ['fractional tier rank', { tier: { name: 'Gold', rank: 1.5 } }, /tier\.rank/],
    ['blank tier name', { tier: { name: ' ', rank: 1 } }, /tier\.name/],
    ['negative spend', { spendMinor: { USD: -1 } }, /spendMinor\.USD/],
    ['fractional spend', { spendMinor: { USD: 10.5 } }, /spendMinor\.USD/],
    ['spend beyond 2^53 − 1', { spendMinor: { EUR: 2 ** 53 } }, /spendMinor\.EUR/],
    ['infinite spend', { spendMinor: { USD: Number.POSITIVE_INFINITY } }, /spendMinor\.USD/],
    ['negative refund', { refundedMinor: { GBP: -5 } }, /refundedMinor\.GBP/],
    ['lower-case currency code', { spendMinor: { usd: 100 } }, /spendMinor.*usd/],
    ['blank customerId', { customerId: '' }, /customerId/],
    ['free-form lastRefundAt', { lastRefundAt: 'yesterday' }, /lastRefundAt/],
    ['date-only lastDetractorAt', { lastDetractorAt: '2026-03-01' }, /lastDetractorAt/],
    ['zoneless lastPromoterAt (would be read in local time)', { lastPromoterAt: '2026-03-01T10:00:00' }, /lastPromoterAt/],
    ['impossible date firstPurchaseAt', { firstPurchaseAt: '2026-02-29T00:00:00.000Z' }, /firstPurchaseAt/],
    ['a year before 1970 (Date.UTC would read 0099 as 1999)', { lastRefundAt: '0099-01-01T00:00:00.000Z' }, /lastRefundAt/],
    ['hour 24 lastPurchaseAt', { lastPurchaseAt: '2026-03-01T24:00:00.000Z' }, /lastPurchaseAt/],
    ['lastPurchaseAt before firstPurchaseAt', { firstPurchaseAt: t0, lastPurchaseAt: days(t0, -1) }, /lastPurchaseAt.*before firstPurchaseAt/],
    ['a window past the year 9999', { lastRefundAt: '9999-12-01T00:00:00.000Z' }, /lastRefundAt/],
  ];
  it.each(invalid)('%s', (_name, overrides, field) => {
    expect(() => score(overrides)).toThrow(RangeError);
    expect(() => score(overrides)).toThrow(field);
  });

  it('accepts the edges of the valid range', () => {
    expect(() => score({ spendMinor: { USD: Number.MAX_SAFE_INTEGER }, refundedMinor: { USD: Number.MAX_SAFE_INTEGER } })).not.toThrow();
    expect(() => score({ firstPurchaseAt: '2024-02-29T00:00:00.000Z', lastPurchaseAt: '2024-02-29T23:59:59.999999Z' })).not.toThrow();
    expect(() => score({ lastRefundAt: '2026-03-01T10:00:00+05:30' })).not.toThrow();
  });

  it.each([0, -1, 3651, 1.5, Number.NaN])('refuses windowDays %p', (windowDays) => {
    expect(() => score({ promoterAnswers: 1 }, windowDays)).toThrow(RangeError);
    expect(() => score({ promoterAnswers: 1 }, windowDays)).toThrow(/windowDays/);
  });
});

describe('case-study pipeline', () => {
  const STAGES: CaseStudyStage[] = ['candidate', 'contacted', 'interviewing', 'published', 'declined'];
  // Written out independently of NEXT_STAGES, so a change to the table has to be made in both places.
  const ALLOWED = new Set(['candidate→contacted', 'candidate→declined', 'contacted→interviewing', 'contacted→declined', 'interviewing→published', 'interviewing→declined']);
  const at = (stage: CaseStudyStage): CaseStudy => ({ ...startCaseStudy('cus_1', 'marketer@example.com', t0), stage, version: 4 });
  const later = days(t0, 1);

  it('starts a case study as an unstored candidate', () => {
    expect(startCaseStudy('cus_1', 'marketer@example.com', t0)).toEqual({ customerId: 'cus_1', stage: 'candidate', notes: [], updatedAt: t0, updatedBy: 'marketer@example.com', version: 0 });
  });

  it('final stages allow nothing; NEXT_STAGES is frozen', () => {
    expect(NEXT_STAGES.published).toEqual([]);
    expect(NEXT_STAGES.declined).toEqual([]);
    expect(Object.isFrozen(NEXT_STAGES)).toBe(true);
    expect(Object.isFrozen(NEXT_STAGES.candidate)).toBe(true);
  });

  const pairs = STAGES.flatMap((from) => STAGES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    const current = Object.freeze(at(from));
    const move = moveCaseStudy(current, to, 'lee@example.com', later, 'called them');
    if (from === to) {
      expect(move).toEqual({ kind: 'unchanged', caseStudy: current });
      if (move.kind === 'unchanged') expect(move.caseStudy).toBe(current);
    } else if (ALLOWED.has(`${from}→${to}`)) {
      expect(move).toEqual({
        kind: 'moved',
        from,
        to,
        caseStudy: { ...current, stage: to, version: 5, updatedAt: later, updatedBy: 'lee@example.com', notes: [{ at: later, by: 'lee@example.com', text: 'called them', from, to }] },
      });
    } else {
      expect(move).toEqual({ kind: 'invalid-transition', from, to, allowed: STAGES.filter((next) => ALLOWED.has(`${from}→${next}`)) });
    }
    expect(current).toEqual(at(from)); // the input is never modified
  });

  it('NEXT_STAGES is exactly the allowed table', () => {
    for (const from of STAGES) expect([...NEXT_STAGES[from]].sort()).toEqual(STAGES.filter((to) => ALLOWED.has(`${from}→${to}`)).sort());
  });

  it('walks a candidate to published, keeping a note per move', () => {
    let caseStudy = startCaseStudy('cus_1', 'ann', t0);
    for (const [index, to] of (['contacted', 'interviewing', 'published'] as const).entries()) {
      const move = moveCaseStudy(caseStudy, to, 'ann', days(t0, index + 1));
      if (move.kind !== 'moved') throw new Error(`expected a move to ${to}, got ${move.kind}`);
      caseStudy = move.caseStudy;
    }
    expect(caseStudy).toMatchObject({ stage: 'published', version: 3, updatedAt: days(t0, 3) });
    expect(caseStudy.notes.map((note) => [note.from, note.to, note.text])).toEqual([
      ['candidate', 'contacted', ''],
      ['contacted', 'interviewing', ''],
      ['interviewing', 'published', ''],
    ]);
    expect(moveCaseStudy(caseStudy, 'declined', 'ann', days(t0, 4))).toEqual({ kind: 'invalid-transition', from: 'published', to: 'declined', allowed: [] });
  });

  it("an unchanged move changes nothing, not even by adding its note", () => {
    const current = at('contacted');
    const move = moveCaseStudy(current, 'contacted', 'someone-else', later, 'a retried request');
    expect(move).toEqual({ kind: 'unchanged', caseStudy: current });
  });

  it('trims move notes and checks them before judging the transition', () => {
    const move = moveCaseStudy(at('candidate'), 'contacted', 'ann', later, '  left a voicemail \n');
    expect(move.kind === 'moved' && move.caseStudy.notes.at(-1)?.text).toBe('left a voicemail');
    expect(() => moveCaseStudy(at('candidate'), 'contacted', 'ann', later, '   ')).toThrow(RangeError);
    expect(() => moveCaseStudy(at('published'), 'declined', 'ann', later, 'x'.repeat(MAX_NOTE_LENGTH + 1))).toThrow(RangeError);
  });

  it('refuses malformed moves', () => {
    expect(() => moveCaseStudy(at('candidate'), 'archived' as CaseStudyStage, 'ann', later)).toThrow(/to must be one of/);
    expect(() => moveCaseStudy({ ...at('candidate'), stage: 'lost' as CaseStudyStage }, 'contacted', 'ann', later)).toThrow(RangeError);
    expect(() => moveCaseStudy(at('candidate'), 'contacted', '', later)).toThrow(/by/);
    expect(() => moveCaseStudy(at('candidate'), 'contacted', 'ann', 'tomorrow')).toThrow(/at/);
    expect(() => startCaseStudy('', 'ann', t0)).toThrow(/customerId/);
    expect(() => startCaseStudy('cus_1', 'ann', '2026-13-01T00:00:00Z')).toThrow(RangeError);
  });

  describe('notes', () => {
    it('adds a trimmed note at any stage, final ones included', () => {
      for (const stage of STAGES) {
        const current = at(stage);
        expect(addCaseStudyNote(current, '\t published at https://example.com/story  ', 'ann', later)).toEqual({
          ...current,
          notes: [{ at: later, by: 'ann', text: 'published at https://example.com/story' }],
          updatedAt: later,
          updatedBy: 'ann',
          version: 5,
        });
      }
    });

    it('accepts 1 to MAX_NOTE_LENGTH characters after trimming', () => {
      expect(addCaseStudyNote(at('candidate'), 'x', 'ann', later).notes[0]?.text).toBe('x');
      const longest = 'y'.repeat(MAX_NOTE_LENGTH);
      expect(addCaseStudyNote(at('candidate'), `  ${longest}  `, 'ann', later).notes[0]?.text).toBe(longest);
      expect(() => addCaseStudyNote(at('candidate'), `${longest}y`, 'ann', later)).toThrow(RangeError);
      expect(() => addCaseStudyNote(at('candidate'), '', 'ann', later)).toThrow(RangeError);
      expect(() => addCaseStudyNote(at('candidate'), ' \n\t ', 'ann', later)).toThrow(RangeError);
      expect(() => addCaseStudyNote(at('candidate'), 'fine', ' ', later)).toThrow(/by/);
      expect(() => addCaseStudyNote(at('candidate'), 'fine', 'ann', '2026-03-01 10:00')).toThrow(RangeError);
    });

    it(`keeps only the newest ${MAX_NOTES} notes, by notes and by moves alike`, () => {
      let caseStudy = startCaseStudy('cus_1', 'ann', t0);
      for (let index = 1; index <= MAX_NOTES + 5; index++) caseStudy = addCaseStudyNote(caseStudy, `note ${index}`, 'ann', ms(t0, index));
      expect(caseStudy.notes).toHaveLength(MAX_NOTES);
      expect(caseStudy.notes[0]?.text).toBe('note 6');
      expect(caseStudy.notes.at(-1)?.text).toBe(`note ${MAX_NOTES + 5}`);
      expect(caseStudy.version).toBe(MAX_NOTES + 5);

      const move = moveCaseStudy(caseStudy, 'declined', 'ann', later, 'not interested');
      if (move.kind !== 'moved') throw new Error('expected a move');
      expect(move.caseStudy.notes).toHaveLength(MAX_NOTES);
      expect(move.caseStudy.notes[0]?.text).toBe('note 7');
      expect(move.caseStudy.notes.at(-1)).toEqual({ at: later, by: 'ann', text: 'not interested', from: 'candidate', to: 'declined' });
    });

    it('never modifies the case study it is given', () => {
      const current = Object.freeze({ ...at('contacted'), notes: Object.freeze([{ at: t0, by: 'ann', text: 'first' }]) });
      const next = addCaseStudyNote(current, 'second', 'ann', later);
      expect(current.notes).toHaveLength(1);
      expect(next.notes.map((note) => note.text)).toEqual(['first', 'second']);
    });
  });
});
