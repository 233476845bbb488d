import { cohortReport, contributions, counterChanges, funnelReport, overviewReport, toCsv, type CounterRow } from '../../functions/journey/domain/analytics';
import { assessChurn, DEFAULT_GAP_DAYS, enteredOverlay } from '../../functions/journey/domain/churn';
import { applyFact, emptyJourney, medianGapDays, monthsBetween, nthPurchaseWithinWindow, type JourneyFact, type JourneyState } from '../../functions/journey/domain/journey';

/** The journey's pure rules: stages from facts in any order, the counters' contributions and the reports' arithmetic. */
const cause = (id: string) => ({ detailType: 'Test', eventId: id });
const purchase = (at: string, amountMinor = 1000): JourneyFact => ({ kind: 'purchase', at, amountMinor });

function replay(facts: readonly JourneyFact[]): JourneyState {
  return facts.reduce((state, fact, index) => ({ ...applyFact(state, fact, cause(`e${index}`)).state, version: state.version + 1 }), emptyJourney('c1'));
}

describe('journey stages', () => {
  it('moves from nothing to first_purchase on a purchase, making aware and considering reached at the same time', () => {
    const applied = applyFact(emptyJourney('c1'), purchase('2026-01-10T10:00:00.000Z'), cause('p1'));
    expect(applied.state.stage).toBe('first_purchase');
    expect(applied.transition).toMatchObject({ seq: 1, from: null, to: 'first_purchase', cause: { eventId: 'p1' } });
    expect(applied.state.milestones.aware?.at).toBe('2026-01-10T10:00:00.000Z');
    expect(applied.state.milestones.considering?.at).toBe('2026-01-10T10:00:00.000Z');
  });

  it('is aware on an attribution by purchase, considering on a signup attribution or a survey answer', () => {
    expect(applyFact(emptyJourney('c1'), { kind: 'attributed', at: '2026-01-01T00:00:00.000Z', via: 'purchase' }, cause('a')).state.stage).toBe('aware');
    expect(applyFact(emptyJourney('c1'), { kind: 'attributed', at: '2026-01-01T00:00:00.000Z', via: 'signup' }, cause('a')).state.stage).toBe('considering');
    expect(applyFact(emptyJourney('c1'), { kind: 'survey_answered', at: '2026-01-01T00:00:00.000Z', survey: 'csat', category: 'satisfied' }, cause('s')).state.stage).toBe('considering');
  });

  it('is repeat at the second purchase and loyal at the fifth within a year, or at a tier upgrade', () => {
    const times = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'].map((day) => `${day}T00:00:00.000Z`);
    expect(replay(times.slice(0, 2).map((at) => purchase(at))).stage).toBe('repeat');
    const five = replay(times.map((at) => purchase(at)));
    expect(five.stage).toBe('loyal');
    expect(five.milestones.loyal?.at).toBe(times[4]);
    expect(replay([purchase(times[0] as string), { kind: 'tier', at: times[1] as string, direction: 'up' }]).stage).toBe('loyal');
    // A downgrade reaches nothing: the stage is the best reached.
    expect(replay([purchase(times[0] as string), { kind: 'tier', at: times[1] as string, direction: 'down' }]).stage).toBe('first_purchase');
  });

  it('does not count five purchases spread over more than the window as loyal', () => {
    const spread = ['2024-01-01', '2024-07-01', '2025-01-02', '2025-07-01', '2026-01-03'].map((day) => `${day}T00:00:00.000Z`);
    expect(nthPurchaseWithinWindow(spread)).toBeUndefined();
    expect(replay(spread.map((at) => purchase(at))).stage).toBe('repeat');
  });

  it('is advocate on a promoter NPS answer, a rewarded referral or an approved testimonial, but not on a CSAT or passive answer', () => {
    expect(replay([{ kind: 'survey_answered', at: '2026-01-01T00:00:00.000Z', survey: 'nps', category: 'promoter' }]).stage).toBe('advocate');
    expect(replay([{ kind: 'referral_rewarded', at: '2026-01-01T00:00:00.000Z' }]).stage).toBe('advocate');
    expect(replay([{ kind: 'testimonial_approved', at: '2026-01-01T00:00:00.000Z' }]).stage).toBe('advocate');
    expect(replay([{ kind: 'survey_answered', at: '2026-01-01T00:00:00.000Z', survey: 'nps', category: 'passive' }]).stage).toBe('considering');
  });

  it('ends in the same stage, milestones and counters whatever order the same events arrive in', () => {
    const facts: JourneyFact[] = [
      { kind: 'attributed', at: '2026-01-01T00:00:00.000Z', via: 'signup' },
      purchase('2026-01-05T00:00:00.000Z'),
      purchase('2026-03-05T00:00:00.000Z'),
      purchase('2026-02-05T00:00:00.000Z'),
      { kind: 'survey_answered', at: '2026-03-06T00:00:00.000Z', survey: 'nps', category: 'promoter' },
      { kind: 'points', at: '2026-03-05T00:00:00.000Z', balance: { available: 30, pending: 10 }, earned: 40, redeemed: 0 },
      { kind: 'points', at: '2026-02-05T00:00:00.000Z', balance: { available: 10, pending: 10 }, earned: 20, redeemed: 0 },
    ];
    const forward = replay(facts);
    const backward = replay([...facts].reverse());
    expect(backward.stage).toBe(forward.stage);
    expect(Object.fromEntries(Object.entries(backward.milestones).map(([stage, milestone]) => [stage, milestone.at]))).toEqual(
      Object.fromEntries(Object.entries(forward.milestones).map(([stage, milestone]) => [stage, milestone.at])),
    );
    expect([...contributions(backward)].sort()).toEqual([...contributions(forward)].sort());
    expect(forward.balance).toMatchObject({ available: 30, pending: 10 });
    expect(forward.milestones.repeat?.at).toBe('2026-02-05T00:00:00.000Z');
  });

  it('computes the median gap between purchases', () => {
    expect(medianGapDays(['2026-01-01T00:00:00.000Z'])).toBeUndefined();
    expect(medianGapDays(['2026-01-01T00:00:00.000Z', '2026-01-11T00:00:00.000Z', '2026-01-31T00:00:00.000Z', '2026-03-02T00:00:00.000Z'])).toBe(20);
    expect(medianGapDays(['2026-01-01T00:00:00.000Z', '2026-01-11T00:00:00.000Z', '2026-01-31T00:00:00.000Z'])).toBe(15);
  });
});

describe('journey counters', () => {
  it('moves a customer to their earlier cohort when an earlier purchase arrives late, and counts them once', () => {
    const late = replay([purchase('2026-03-10T00:00:00.000Z'), purchase('2026-04-10T00:00:00.000Z')]);
    const withEarlier = { ...applyFact(late, purchase('2026-01-10T00:00:00.000Z'), cause('early')).state, version: late.version + 1 };
    const changes = counterChanges(contributions(late), contributions(withEarlier));
    const cohort = (key: string) => changes.find((change) => change.group === 'cohort' && change.key === key)?.add;
    expect(cohort('2026-03')).toEqual({ customers: -1, m1: -1 });
    expect(cohort('2026-01')).toEqual({ customers: 1, m2: 1, m3: 1 });
    expect(changes.find((change) => change.group === 'totals')?.add).toMatchObject({ purchases: 1 });
    expect(changes.find((change) => change.group === 'totals')?.add.members).toBeUndefined();
  });

  it('contributes nothing before a customer is stored, and one member after', () => {
    expect(contributions(undefined).size).toBe(0);
    const first = replay([purchase('2026-01-10T00:00:00.000Z')]);
    const changes = counterChanges(contributions(undefined), contributions(first));
    expect(changes.find((change) => change.group === 'totals')?.add).toMatchObject({ members: 1, purchasers: 1, purchases: 1, stage_first_purchase: 1 });
    expect(changes.find((change) => change.group === 'funnel')).toEqual({ group: 'funnel', key: '2026-01-10', add: { aware: 1, considering: 1, first_purchase: 1 } });
  });
});

describe('journey reports', () => {
  it('computes conversion between consecutive stages', () => {
    const rows: CounterRow[] = [
      { key: '2026-01-01', values: { aware: 10, considering: 8, first_purchase: 4 } },
      { key: '2026-01-02', values: { aware: 10, considering: 2, first_purchase: 1, repeat: 1 } },
    ];
    const report = funnelReport(rows, '2026-01-01', '2026-01-02');
    expect(report.stages.map((row) => [row.stage, row.entered, row.conversionFromPrevious])).toEqual([
      ['aware', 20, null],
      ['considering', 10, 0.5],
      ['first_purchase', 5, 0.5],
      ['repeat', 1, 0.2],
      ['loyal', 0, 0],
      ['advocate', 0, 0],
    ]);
  });

  it('builds a retention triangle up to the current month', () => {
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
    const report = cohortReport([{ key: '2026-01', values: { customers: 4, m1: 2, m2: 1 } }, { key: '2026-02', values: { customers: 2 } }], '2026-03');
    expect(report.cohorts).toEqual([
      { month: '2026-01', customers: 4, retention: [{ offset: 1, customers: 2, share: 0.5 }, { offset: 2, customers: 1, share: 0.25 }] },
      { month: '2026-02', customers: 2, retention: [{ offset: 1, customers: 0, share: 0 }] },
    ]);
  });

  it('computes the overview: active windows, rates, NPS', () => {
    const activity: CounterRow[] = [
      { key: '2026-03-31', values: { customers: 2 } },
      { key: '2026-03-02', values: { customers: 1 } },
      { key: '2026-03-01', values: { customers: 5 } },
      { key: '2026-01-01', values: { customers: 7 } },
    ];
    const report = overviewReport({ members: 20, purchasers: 10, repeaters: 4, npsPromoters: 5, npsPassives: 3, npsDetractors: 2, pointsEarned: 1000, pointsRedeemed: 250, pointsAvailable: 600, pointsPending: 150 }, activity, '2026-03-31T12:00:00.000Z');
    expect(report).toMatchObject({ active30Days: 3, active90Days: 15, repeatPurchaseRate: 0.4, redemptionRate: 0.25, pointsLiability: { available: 600, pending: 150, total: 750 }, nps: { responses: 10, score: 30 } });
  });

  it('writes RFC 4180 CSV', () => {
    expect(toCsv(['a', 'b'], [['x,y', 1], ['say "hi"', null]])).toBe('a,b\r\n"x,y",1\r\n"say ""hi""",\r\n');
  });
});

describe('churn risk', () => {
  const state = (times: string[], extra: Partial<JourneyState> = {}) => ({ ...replay(times.map((at) => purchase(at))), ...extra });
  const days = (base: string, n: number) => new Date(Date.parse(base) + n * 86_400_000).toISOString();

  it('scores recency against the customer’s own median gap: at risk at 3× it, lapsed past 6×', () => {
    const times = [0, 10, 20, 30].map((n) => days('2026-01-01T00:00:00.000Z', n));
    expect(assessChurn(state(times), days(times[3] as string, 10))).toMatchObject({ score: 0, overlay: null, expectedGapDays: 10 });
    expect(assessChurn(state(times), days(times[3] as string, 30))).toMatchObject({ score: 60, overlay: 'at_risk', reasons: [{ signal: 'recency', value: 3, points: 60 }] });
    expect(assessChurn(state(times), days(times[3] as string, 60))?.overlay).toBe('lapsed');
  });

  it('uses the program default gap for a one-time buyer, and adds frequency, refund and detractor signals', () => {
    const one = state(['2026-01-01T00:00:00.000Z'], { refunds: ['2026-02-01T00:00:00.000Z'], lastDetractorAt: '2026-02-10T00:00:00.000Z' });
    const assessment = assessChurn(one, days('2026-01-01T00:00:00.000Z', DEFAULT_GAP_DAYS * 2));
    expect(assessment?.expectedGapDays).toBe(DEFAULT_GAP_DAYS);
    expect(assessment?.reasons.map((reason) => [reason.signal, reason.points])).toEqual([
      ['recency', 30],
      ['frequency', 10],
      ['refunds', 10],
      ['detractor', 15],
    ]);
    expect(assessment).toMatchObject({ score: 65, overlay: 'at_risk' });
    expect(assessChurn(emptyJourney('c1'), '2026-01-01T00:00:00.000Z')).toBeUndefined();
  });

  it('sets the review time to when recency alone would cross the next threshold, and announces an overlay once per lapse', () => {
    const times = [0, 10].map((n) => days('2026-01-01T00:00:00.000Z', n));
    const fresh = assessChurn(state(times), times[1] as string);
    // Two purchases add 5 points: recency must bring 55, i.e. 1 + 55/30 gaps of 10 days.
    expect(fresh?.reviewAt).toBe(new Date(Date.parse(times[1] as string) + Math.ceil((1 + 55 / 30) * 10 * 86_400_000)).toISOString());
    const risky = assessChurn(state(times), days(times[1] as string, 40));
    expect(enteredOverlay(fresh, risky)).toBe('at_risk');
    expect(enteredOverlay(risky, assessChurn(state(times), days(times[1] as string, 45)))).toBeUndefined();
  });
});
