import { decideWinBack, inHoldout, journeySettingsInput, returnedWithin, winBackCsv, winBackOfferId, winBackReport, type WinBackRule } from '../../functions/journey/domain/winback';

const rule: WinBackRule = { enabled: true, offer: { kind: 'points', points: 500 }, holdoutPercent: 10, cooldownDays: 90 };
const notice = (customerId: string, assessedAt = '2030-03-01T00:00:00.000Z') => ({ customerId, score: 70, lastPurchaseAt: '2030-01-01T00:00:00.000Z', assessedAt });
const ids = (count: number) => Array.from({ length: count }, (_, index) => `customer-${index}`);

describe('inHoldout', () => {
  it('puts the same customer in the same group every time', () => {
    for (const id of ids(200)) expect(inHoldout(id, 10)).toBe(inHoldout(id, 10));
  });

  it('holds out close to the percentage over 10,000 ids', () => {
    for (const percent of [5, 10, 25, 50]) {
      const share = ids(10_000).filter((id) => inHoldout(id, percent)).length / 10_000;
      expect(Math.abs(share - percent / 100)).toBeLessThan(0.015);
    }
  });

  it('holds out nobody at 0 % and only adds customers when the percentage rises', () => {
    expect(ids(1000).some((id) => inHoldout(id, 0))).toBe(false);
    for (const id of ids(1000)) if (inHoldout(id, 10)) expect(inHoldout(id, 20)).toBe(true);
  });

  it('uses the first 4 bytes of sha-256 mod 10,000', () => {
    // sha-256("abc") starts ba7816bf: 0xba7816bf = 3128432319, mod 10,000 = 2319.
    expect(inHoldout('abc', 23.19)).toBe(false);
    expect(inHoldout('abc', 23.2)).toBe(true);
  });
});

describe('decideWinBack', () => {
  const offered = ids(50).find((id) => !inHoldout(id, 10)) as string;
  const heldOut = ids(200).find((id) => inHoldout(id, 10)) as string;

  it('offers the rule’s points to a customer outside the holdout, with the expiry when set', () => {
    const outcome = decideWinBack({ ...rule, expiryDays: 14 }, notice(offered), undefined, [], '2030-03-01T01:00:00.000Z');
    expect(outcome).toEqual({
      kind: 'decided',
      decision: {
        customerId: offered,
        group: 'offered',
        offerId: winBackOfferId(offered, '2030-01-01T00:00:00.000Z'),
        decidedAt: '2030-03-01T01:00:00.000Z',
        atRiskAt: '2030-03-01T00:00:00.000Z',
        lastPurchaseAt: '2030-01-01T00:00:00.000Z',
        score: 70,
        points: 500,
        expiresAt: '2030-03-15T01:00:00.000Z',
        version: 1,
      },
    });
  });

  it('records a holdout customer with no points', () => {
    const outcome = decideWinBack(rule, notice(heldOut), undefined, [], '2030-03-01T01:00:00.000Z');
    expect(outcome).toMatchObject({ kind: 'decided', decision: { group: 'holdout', points: 0 } });
    expect(outcome.kind === 'decided' && 'expiresAt' in outcome.decision).toBe(false);
  });

  it('decides nothing when the rule is off or missing, or within the cooldown of the previous decision', () => {
    expect(decideWinBack(undefined, notice(offered), undefined, [], '2030-03-01T00:00:00.000Z')).toEqual({ kind: 'disabled' });
    expect(decideWinBack({ ...rule, enabled: false }, notice(offered), undefined, [], '2030-03-01T00:00:00.000Z')).toEqual({ kind: 'disabled' });
    const first = decideWinBack(rule, notice(offered), undefined, [], '2030-03-01T00:00:00.000Z');
    if (first.kind !== 'decided') throw new Error('expected a decision');
    expect(decideWinBack(rule, notice(offered, '2030-05-29T23:59:59.000Z'), first.decision, [], '2030-05-30T00:00:00.000Z')).toEqual({ kind: 'cooling-down', until: '2030-05-30T00:00:00.000Z' });
    expect(decideWinBack(rule, notice(offered, '2030-05-30T00:00:00.000Z'), first.decision, [], '2030-05-30T00:00:00.000Z')).toMatchObject({ kind: 'decided', decision: { version: 2 } });
  });

  it('counts a purchase already known inside the window as the return', () => {
    const outcome = decideWinBack(rule, notice(offered), undefined, ['2030-01-01T00:00:00.000Z', '2030-03-05T00:00:00.000Z'], '2030-03-06T00:00:00.000Z');
    expect(outcome).toMatchObject({ decision: { returnedAt: '2030-03-05T00:00:00.000Z' } });
  });
});

describe('the return window and the report', () => {
  it('is 30 days from becoming at risk', () => {
    expect(returnedWithin('2030-03-01T00:00:00.000Z', '2030-02-28T23:59:59.000Z')).toBe(false);
    expect(returnedWithin('2030-03-01T00:00:00.000Z', '2030-03-01T00:00:00.000Z')).toBe(true);
    expect(returnedWithin('2030-03-01T00:00:00.000Z', '2030-03-30T23:59:59.000Z')).toBe(true);
    expect(returnedWithin('2030-03-01T00:00:00.000Z', '2030-03-31T00:00:00.000Z')).toBe(false);
  });

  it('reports each group’s rate, the difference and the points, as JSON and CSV', () => {
    const report = winBackReport({ offered: 8, offeredReturned: 4, holdout: 2, holdoutReturned: 1, pointsOffered: 4000 });
    expect(report).toEqual({ offered: { customers: 8, returnedWithin30Days: 4, returnRate: 0.5 }, holdout: { customers: 2, returnedWithin30Days: 1, returnRate: 0.5 }, rateDifference: 0, pointsSpent: 4000 });
    expect(winBackReport({ offered: 3, offeredReturned: 2 })).toMatchObject({ holdout: { customers: 0, returnRate: null }, rateDifference: null, offered: { returnRate: 0.6667 } });
    expect(winBackCsv(report).split('\r\n')).toEqual(['group,customers,returned_within_30_days,return_rate', 'offered,8,4,0.5', 'holdout,2,1,0.5', 'difference,,,0', 'points_spent,4000,,', '']);
  });
});

describe('the win-back rule', () => {
  it('defaults the holdout to 10 % and refuses more than 50 %, naming the field', () => {
    expect(journeySettingsInput.parse({ winBack: { enabled: true, offer: { kind: 'points', points: 100 } } }).winBack).toMatchObject({ holdoutPercent: 10, cooldownDays: 90 });
    const refused = journeySettingsInput.safeParse({ winBack: { enabled: true, offer: { kind: 'points', points: 100 }, holdoutPercent: 60 } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['winBack', 'holdoutPercent']);
  });
});
