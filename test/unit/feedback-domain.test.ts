import fc from 'fast-check';
import { demoFeedbackSettings, feedbackSettingsInput, THROTTLE_DAYS } from '../../functions/feedback/domain/settings';
import {
  addDays,
  budgetAllows,
  classify,
  isExpired,
  netPromoterScore,
  newRequestId,
  newTokenKey,
  parseToken,
  percent,
  scoreRange,
  summarize,
  tokenFor,
  tokenMatches,
  triggeredRequestId,
  type ContactBudget,
  type DayCounts,
} from '../../functions/feedback/domain/survey';
import { fieldErrorsFromZod } from '../../shared/http/problem';

/**
 * The feedback service's pure domain: how a score is classified, the integer percentages the metrics report (NPS from
 * the counts, rounded half away from zero), the contact budget's window, the one-time tokens, and the settings a
 * marketer saves.
 */
const t0 = '2026-03-01T10:00:00.000Z';
const DAY_MS = 86_400_000;
const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

// ---- classification

describe('classify and scoreRange', () => {
  it.each([
    [0, 'detractor'],
    [3, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ])('NPS %i is a %s', (score, category) => {
    expect(classify('nps', score)).toBe(category);
  });

  it.each([
    [1, 'unsatisfied'],
    [2, 'unsatisfied'],
    [3, 'unsatisfied'],
    [4, 'satisfied'],
    [5, 'satisfied'],
  ])('CSAT %i is %s', (score, category) => {
    expect(classify('csat', score)).toBe(category);
  });

  it('gives NPS 0-10 and CSAT 1-5', () => {
    expect(scoreRange('nps')).toEqual({ min: 0, max: 10 });
    expect(scoreRange('csat')).toEqual({ min: 1, max: 5 });
  });

  it('classifies every NPS score in range into exactly the band its number says', () => {
    const { min, max } = scoreRange('nps');
    const bands = Array.from({ length: max - min + 1 }, (_, index) => classify('nps', min + index));
    expect(bands).toEqual([...Array(7).fill('detractor'), 'passive', 'passive', 'promoter', 'promoter']);
  });
});

// ---- percentages and NPS

/** The exact share (part/whole as a percent) rounded half away from zero, in BigInt: an independent reference. */
function reference(part: number, whole: number): number {
  if (whole === 0) return 0;
  const magnitude = BigInt(Math.abs(part)) * 100n;
  const divisor = BigInt(whole);
  const quotient = magnitude / divisor;
  const remainder = magnitude % divisor;
  const rounded = remainder * 2n >= divisor ? quotient + 1n : quotient;
  return (part < 0 ? -1 : 1) * Number(rounded);
}

describe('percent', () => {
  it.each([
    [6, 10, 60],
    [1, 3, 33],
    [2, 3, 67],
    [1, 8, 13],
    [-1, 8, -13],
    [3, 8, 38],
    [-3, 8, -38],
    [1, 200, 1],
    [-1, 200, -1],
    [1, 201, 0],
    [0, 7, 0],
    [7, 7, 100],
    [-7, 7, -100],
  ])('%i of %i is %i', (part, whole, expected) => {
    expect(percent(part, whole)).toBe(expected);
  });

  it('is 0 when the whole is 0', () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(5, 0)).toBe(0);
    expect(percent(-5, 0)).toBe(0);
  });

  it('rounds exact halves away from zero, symmetrically', () => {
    // 1/200 = 0.5 %, 3/200 = 1.5 %, 5/8 = 62.5 %
    expect([percent(1, 200), percent(3, 200), percent(5, 8)]).toEqual([1, 2, 63]);
    expect([percent(-1, 200), percent(-3, 200), percent(-5, 8)]).toEqual([-1, -2, -63]);
  });

  it('equals the exact fraction rounded half away from zero, and is odd: percent(-p, w) = -percent(p, w)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: -1_000_000, max: 1_000_000 }), (whole, part) => {
        const result = percent(part, whole);
        return Number.isInteger(result) && result === reference(part, whole) && result === -percent(-part, whole);
      }),
    );
  });
});

describe('netPromoterScore', () => {
  it('is 40 for 6 promoters, 2 passives and 2 detractors', () => {
    expect(netPromoterScore(6, 2, 10)).toBe(40);
  });

  it('is -100 when every answer is a detractor, 100 when every one is a promoter, 0 with no answers', () => {
    expect(netPromoterScore(0, 5, 5)).toBe(-100);
    expect(netPromoterScore(5, 0, 5)).toBe(100);
    expect(netPromoterScore(0, 0, 0)).toBe(0);
    expect(netPromoterScore(0, 0, 4)).toBe(0);
  });

  it('comes from the counts, not from the rounded percentages (2 promoters, 1 detractor of 3 → 33, not 67 − 33)', () => {
    expect(netPromoterScore(2, 1, 3)).toBe(33);
    expect(percent(2, 3) - percent(1, 3)).toBe(34);
  });

  it('rounds half away from zero: (1 − 0)/8 → 13, (0 − 1)/8 → −13', () => {
    expect(netPromoterScore(1, 0, 8)).toBe(13);
    expect(netPromoterScore(0, 1, 8)).toBe(-13);
  });

  it('stays within -100..100 and equals the sign-aware rounding of the exact fraction', () => {
    const answers = fc
      .tuple(fc.nat({ max: 100_000 }), fc.nat({ max: 100_000 }), fc.nat({ max: 100_000 }))
      .map(([promoters, passives, detractors]) => ({ promoters, detractors, responses: promoters + passives + detractors }));
    fc.assert(
      fc.property(answers, ({ promoters, detractors, responses }) => {
        const nps = netPromoterScore(promoters, detractors, responses);
        const exact = responses === 0 ? 0 : (100 * (promoters - detractors)) / responses;
        const signAware = Math.sign(exact) * Math.round(Math.abs(exact));
        return Number.isInteger(nps) && nps >= -100 && nps <= 100 && nps === reference(promoters - detractors, responses) && nps === signAware;
      }),
    );
  });
});

describe('summarize', () => {
  const dayOf = (day: string, counts: Partial<Omit<DayCounts, 'day'>>): DayCounts => ({ day, requested: 0, responses: 0, promoters: 0, passives: 0, detractors: 0, satisfied: 0, unsatisfied: 0, ...counts });

  it('adds NPS days up and reports every percentage from the totals', () => {
    const days = [
      dayOf('2026-03-01', { requested: 5, responses: 4, promoters: 2, passives: 1, detractors: 1 }),
      dayOf('2026-03-02', { requested: 0, responses: 0 }),
      dayOf('2026-03-04', { requested: 3, responses: 2, detractors: 2 }),
    ];
    expect(summarize(days)).toEqual({
      requested: 8,
      responses: 6,
      promoters: 2,
      passives: 1,
      detractors: 3,
      satisfied: 0,
      unsatisfied: 0,
      responseRate: 75,
      promoterPercent: 33,
      passivePercent: 17,
      detractorPercent: 50,
      // (2 − 3) / 6 = −16.67 %
      nps: -17,
      csat: 0,
    });
  });

  it('reports the walk-through figures: 6 promoters, 2 passives, 2 detractors of 10 requested over two days', () => {
    const summary = summarize([
      dayOf('2026-03-01', { requested: 4, responses: 4, promoters: 3, passives: 1 }),
      dayOf('2026-03-02', { requested: 6, responses: 6, promoters: 3, passives: 1, detractors: 2 }),
    ]);
    expect(summary).toMatchObject({ requested: 10, responses: 10, responseRate: 100, promoterPercent: 60, passivePercent: 20, detractorPercent: 20, nps: 40 });
  });

  it('reports CSAT as satisfied over satisfied plus unsatisfied', () => {
    const summary = summarize([
      dayOf('2026-03-01', { requested: 4, responses: 3, satisfied: 2, unsatisfied: 1 }),
      dayOf('2026-03-03', { requested: 4, responses: 3, satisfied: 3 }),
      dayOf('2026-03-05', { requested: 1, responses: 1, unsatisfied: 1 }),
    ]);
    // 5 of 7 = 71.4 %; 7 answers of 9 requested = 77.8 %
    expect(summary).toMatchObject({ requested: 9, responses: 7, satisfied: 5, unsatisfied: 2, csat: 71, responseRate: 78, nps: 0, promoterPercent: 0 });
  });

  it('is all zeros over no days', () => {
    expect(summarize([])).toEqual({
      requested: 0,
      responses: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      satisfied: 0,
      unsatisfied: 0,
      responseRate: 0,
      promoterPercent: 0,
      passivePercent: 0,
      detractorPercent: 0,
      nps: 0,
      csat: 0,
    });
  });

  it('gives the same totals however the counts are split into days', () => {
    const counts = fc.record({ requested: fc.nat({ max: 50 }), promoters: fc.nat({ max: 20 }), passives: fc.nat({ max: 20 }), detractors: fc.nat({ max: 20 }) });
    fc.assert(
      fc.property(fc.array(counts, { minLength: 1, maxLength: 12 }), (list) => {
        const days = list.map((count, index) => dayOf(`2026-03-${String(index + 1).padStart(2, '0')}`, { ...count, responses: count.promoters + count.passives + count.detractors }));
        const merged = days.reduce((sum, day) => dayOf('2026-03-01', {
          requested: sum.requested + day.requested,
          responses: sum.responses + day.responses,
          promoters: sum.promoters + day.promoters,
          passives: sum.passives + day.passives,
          detractors: sum.detractors + day.detractors,
        }), dayOf('2026-03-01', {}));
        const split = summarize(days);
        expect(split).toEqual(summarize([merged]));
        expect(split.nps).toBe(netPromoterScore(merged.promoters, merged.detractors, merged.responses));
      }),
    );
  });
});

// ---- the contact budget

describe('budgetAllows', () => {
  const budget = (lastContactAt?: string): ContactBudget => ({ customerId: 'cust-1', version: 1, ...(lastContactAt ? { lastContactAt } : {}) });

  it('allows an ask for a customer never asked, or without a budget at all', () => {
    expect(budgetAllows(undefined, 90, t0)).toEqual({ allowed: true });
    expect(budgetAllows(budget(), 90, t0)).toEqual({ allowed: true });
  });

  it.each(THROTTLE_DAYS)('with throttleDays %i: allowed at the instant the window ends, refused 1 ms before', (throttleDays) => {
    const ends = at(t0, throttleDays * DAY_MS);
    expect(budgetAllows(budget(t0), throttleDays, ends)).toEqual({ allowed: true });
    expect(budgetAllows(budget(t0), throttleDays, at(ends, -1)).allowed).toBe(false);
    expect(budgetAllows(budget(t0), throttleDays, at(ends, 1))).toEqual({ allowed: true });
  });

  it('refuses at the very instant of the last ask, and says when and until when', () => {
    const verdict = budgetAllows(budget(t0), 90, t0);
    expect(verdict).toEqual({
      allowed: false,
      reason: `the customer was asked for feedback on ${t0}; the contact budget allows one ask every 90 days (next from 2026-05-30T10:00:00.000Z)`,
    });
  });

  it('compares instants, not text: a last contact with an offset', () => {
    const lastContactAt = '2026-03-01T12:00:00.000+02:00'; // 10:00Z
    expect(budgetAllows(budget(lastContactAt), 7, '2026-03-08T09:59:59.999Z').allowed).toBe(false);
    expect(budgetAllows(budget(lastContactAt), 7, '2026-03-08T10:00:00.000Z')).toEqual({ allowed: true });
  });
});

describe('isExpired and addDays', () => {
  it('adds whole days of 24 h', () => {
    expect(addDays(t0, 14)).toBe('2026-03-15T10:00:00.000Z');
    expect(addDays(t0, 0)).toBe(t0);
  });

  it('expires at the instant expiresAt names, not before; a request without expiry never expires', () => {
    const expiresAt = addDays(t0, 14);
    expect(isExpired({ expiresAt }, at(expiresAt, -1))).toBe(false);
    expect(isExpired({ expiresAt }, expiresAt)).toBe(true);
    expect(isExpired({}, '2099-01-01T00:00:00.000Z')).toBe(false);
  });
});

// ---- tokens

describe('tokens', () => {
  const key = 'k'.repeat(43);
  const otherKey = 'j'.repeat(43);
  const requestId = 'sv_5kq2m9x7v3b8n4c6';

  it('makes request ids a token can carry', () => {
    for (const id of [newRequestId(), newRequestId(), triggeredRequestId('purchase:store-1:order-1')]) {
      expect(id).toMatch(/^sv_[A-Za-z0-9_-]{16}$/);
      expect(parseToken(tokenFor(id, key).token)?.requestId).toBe(id);
    }
    expect(newRequestId()).not.toBe(newRequestId());
  });

  it('derives a token from the request id and the key: the same for the same pair, different for another key or request', () => {
    const first = tokenFor(requestId, key);
    expect(tokenFor(requestId, key)).toEqual(first);
    expect(tokenFor(requestId, otherKey).token).not.toBe(first.token);
    expect(tokenFor(requestId, otherKey).tokenHash).not.toBe(first.tokenHash);
    expect(tokenFor('sv_AAAAAAAAAAAAAAAA', key).token).not.toBe(first.token);
  });

  it('is <requestId>.<43-character URL-safe secret>, and stores only a hash that is not the secret', () => {
    const { token, tokenHash } = tokenFor(requestId, key);
    const parsed = parseToken(token);
    expect(parsed).toBeDefined();
    expect(parsed?.requestId).toBe(requestId);
    expect(token).toBe(`${requestId}.${parsed?.secret}`);
    expect(parsed?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(tokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenHash).not.toBe(parsed?.secret);
    expect(token).not.toContain(tokenHash);
    expect(token).not.toContain(key);
  });

  it('matches its own secret against the stored hash, and nothing else', () => {
    const { token, tokenHash } = tokenFor(requestId, key);
    const { secret } = parseToken(token) as { secret: string };
    expect(tokenMatches({ tokenHash }, secret)).toBe(true);
    // Another key's secret for the same request, or another request's secret under the same key.
    expect(tokenMatches({ tokenHash }, (parseToken(tokenFor(requestId, otherKey).token) as { secret: string }).secret)).toBe(false);
    expect(tokenMatches({ tokenHash }, (parseToken(tokenFor('sv_AAAAAAAAAAAAAAAA', key).token) as { secret: string }).secret)).toBe(false);
    // The stored hash itself is no secret.
    expect(tokenMatches({ tokenHash }, tokenHash)).toBe(false);
  });

  it('fails every tampered secret: any one character changed', () => {
    const { token, tokenHash } = tokenFor(requestId, key);
    const { secret } = parseToken(token) as { secret: string };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat({ max: secret.length - 1 }), fc.constantFrom(...alphabet), (index, character) => {
        fc.pre(secret[index] !== character);
        const tampered = `${secret.slice(0, index)}${character}${secret.slice(index + 1)}`;
        expect(parseToken(`${requestId}.${tampered}`)).toEqual({ requestId, secret: tampered });
        expect(tokenMatches({ tokenHash }, tampered)).toBe(false);
      }),
    );
  });

  it('never matches a request without a stored hash', () => {
    const { token } = tokenFor(requestId, key);
    expect(tokenMatches({}, (parseToken(token) as { secret: string }).secret)).toBe(false);
  });

  it('compares fixed-length hashes: a stored hash of another length is refused, not thrown on', () => {
    const { token } = tokenFor(requestId, key);
    const { secret } = parseToken(token) as { secret: string };
    for (const tokenHash of ['', 'short', 'x'.repeat(44), 'x'.repeat(100)]) {
      expect(() => tokenMatches({ tokenHash }, secret)).not.toThrow();
      expect(tokenMatches({ tokenHash }, secret)).toBe(false);
    }
    expect(() => tokenMatches({ tokenHash: tokenFor(requestId, key).tokenHash }, '')).not.toThrow();
    expect(tokenMatches({ tokenHash: tokenFor(requestId, key).tokenHash }, '')).toBe(false);
  });

  it.each([
    '',
    'garbage',
    'sv_5kq2m9x7v3b8n4c6',
    'sv_5kq2m9x7v3b8n4c6.',
    `.${'A'.repeat(43)}`,
    'sv_AAAAAAAAAAAAAAAA.not-a-secret',
    `sv_AAAAAAAAAAAAAAAA.${'A'.repeat(42)}`,
    `sv_AAAAAAAAAAAAAAAA.${'A'.repeat(44)}`,
    `sv_AAAAAAAAAAAAAAA.${'A'.repeat(43)}`, // a 15-character id
    `sv_${'A'.repeat(25)}.${'A'.repeat(43)}`, // a 25-character id
    `xx_AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`,
    `SV_AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`,
    `sv_AAAAAAAAAAAAAAAA.${'A'.repeat(42)}+`,
    `sv_AAAAAAAAAAAAAAAA.${'A'.repeat(42)}=`,
    `sv_AAAAAAAAAAAAAAAA.${'A'.repeat(43)}\n`,
    ` sv_AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`,
    `sv_AAAAAAAAAAAAAAAA.${'A'.repeat(43)}.${'A'.repeat(43)}`,
    `sv_AAAA.AAAAAAAAAAAA.${'A'.repeat(43)}`,
    `sv_AAAAAAAAAAAAAAAA%2E${'A'.repeat(43)}`,
  ])('refuses the malformed token %j', (token) => {
    expect(parseToken(token)).toBeUndefined();
  });

  it('draws 256-bit token keys, URL-safe and different each time', () => {
    const first = newTokenKey();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newTokenKey()).not.toBe(first);
  });
});

describe('triggeredRequestId', () => {
  it('is stable per trigger, so a redelivered trigger finds the request it made', () => {
    expect(triggeredRequestId('purchase:store-1:order-1')).toBe(triggeredRequestId('purchase:store-1:order-1'));
    expect(triggeredRequestId('tier:evt-1')).toBe(triggeredRequestId('tier:evt-1'));
  });

  it('differs between triggers: another order, another store, another kind of trigger', () => {
    const ids = new Set(['purchase:store-1:order-1', 'purchase:store-1:order-2', 'purchase:store-2:order-1', 'tier:order-1', 'tier:evt-1'].map(triggeredRequestId));
    expect(ids.size).toBe(5);
  });

  it('is shaped like any request id, for every trigger text', () => {
    fc.assert(
      fc.property(fc.string(), (trigger) => {
        const id = triggeredRequestId(trigger);
        expect(id).toMatch(/^sv_[A-Za-z0-9_-]{16}$/);
        expect(id).toBe(triggeredRequestId(trigger));
      }),
    );
  });
});

// ---- settings

describe('feedback settings schema', () => {
  const demo = demoFeedbackSettings('http://localhost:4000');
  const errorsOf = (input: unknown) => {
    const parsed = feedbackSettingsInput.safeParse(input);
    return parsed.success ? [] : fieldErrorsFromZod(parsed.error);
  };
  const pointersOf = (input: unknown) => [...new Set(errorsOf(input).map((error) => error.pointer))];

  it('accepts the demo settings unchanged, on every base the local runtime uses', () => {
    for (const base of ['http://localhost:4000', 'http://127.0.0.1:3000', 'http://[::1]:8080']) {
      const settings = demoFeedbackSettings(base);
      expect(feedbackSettingsInput.parse(settings)).toEqual(settings);
    }
    expect(demo).toEqual({ responseBaseUrl: 'http://localhost:4000', triggers: { afterPurchase: { enabled: true, days: 7 }, tierUpgrade: { enabled: true } }, throttleDays: 90, expiryDays: 14, strings: {} });
  });

  it('defaults throttleDays to 90, expiryDays to 14 and strings to none', () => {
    const { throttleDays: _throttle, expiryDays: _expiry, strings: _strings, ...rest } = demo;
    expect(feedbackSettingsInput.parse(rest)).toEqual({ ...rest, throttleDays: 90, expiryDays: 14, strings: {} });
  });

  it.each(THROTTLE_DAYS)('accepts throttleDays %i', (throttleDays) => {
    expect(errorsOf({ ...demo, throttleDays })).toEqual([]);
  });

  it.each([0, 1, 6, 8, 45, 60, 89, 91, 364, 366, -7, 30.5])('refuses throttleDays %p, naming /throttleDays', (throttleDays) => {
    const errors = errorsOf({ ...demo, throttleDays });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.pointer === '/throttleDays')).toBe(true);
  });

  it('says which throttleDays are allowed', () => {
    expect(errorsOf({ ...demo, throttleDays: 45 })).toEqual([{ pointer: '/throttleDays', detail: 'must be one of 7, 14, 30, 90, 180, 365' }]);
    expect(pointersOf({ ...demo, throttleDays: '90' })).toEqual(['/throttleDays']);
  });

  it.each(['https://api.example.com', 'https://api.example.com/', 'https://api.example.com/loyalty/', 'https://api.example.com:8443', 'http://localhost', 'http://localhost:3000', 'http://127.0.0.1:3000/', 'http://[::1]:8080'])(
    'accepts the response base URL %s',
    (responseBaseUrl) => {
      expect(errorsOf({ ...demo, responseBaseUrl })).toEqual([]);
    },
  );

  it.each([
    'http://api.example.com',
    'http://localhost.evil.example',
    'http://127.0.0.1.evil.example',
    'ftp://api.example.com',
    'javascript:alert(1)',
    'https://api.example.com/?x=1',
    'https://api.example.com/#top',
    'https://api.example.com/path?x=1#top',
    'not a url',
    '/relative',
    '',
    'https://',
    'http://[::1',
    `https://api.example.com/${'a'.repeat(500)}`,
  ])('refuses the response base URL %j as a field error, never a throw', (responseBaseUrl) => {
    expect(() => feedbackSettingsInput.safeParse({ ...demo, responseBaseUrl })).not.toThrow();
    expect(pointersOf({ ...demo, responseBaseUrl })).toEqual(['/responseBaseUrl']);
  });

  it('says why a base URL is refused', () => {
    expect(errorsOf({ ...demo, responseBaseUrl: 'http://api.example.com' })).toEqual([{ pointer: '/responseBaseUrl', detail: 'must use https (http only for localhost)' }]);
    expect(errorsOf({ ...demo, responseBaseUrl: 'https://api.example.com/?x=1' })).toEqual([{ pointer: '/responseBaseUrl', detail: 'must have no query or fragment' }]);
  });

  it.each(['https://api.example.com/?', 'https://api.example.com/#', 'https://api.example.com?', 'https://api.example.com/base#'])(
    'refuses the base URL %j with an empty query or fragment (links appended to it would land in the query or fragment)',
    (responseBaseUrl) => {
      expect(pointersOf({ ...demo, responseBaseUrl })).toEqual(['/responseBaseUrl']);
    },
  );

  it('requires responseBaseUrl and the triggers', () => {
    const { responseBaseUrl: _base, triggers: _triggers, ...rest } = demo;
    expect(errorsOf(rest)).toEqual([
      { pointer: '/responseBaseUrl', detail: 'is required' },
      { pointer: '/triggers', detail: 'is required' },
    ]);
  });

  it.each([
    [{ triggers: { afterPurchase: { enabled: true, days: 0 }, tierUpgrade: { enabled: false } } }, []],
    [{ triggers: { afterPurchase: { enabled: true, days: 365 }, tierUpgrade: { enabled: true } } }, []],
    [{ triggers: { afterPurchase: { enabled: true, days: -1 }, tierUpgrade: { enabled: true } } }, ['/triggers/afterPurchase/days']],
    [{ triggers: { afterPurchase: { enabled: true, days: 366 }, tierUpgrade: { enabled: true } } }, ['/triggers/afterPurchase/days']],
    [{ triggers: { afterPurchase: { enabled: true, days: 1.5 }, tierUpgrade: { enabled: true } } }, ['/triggers/afterPurchase/days']],
    [{ triggers: { afterPurchase: { enabled: 'yes', days: 7 }, tierUpgrade: { enabled: true } } }, ['/triggers/afterPurchase/enabled']],
    [{ triggers: { afterPurchase: { enabled: true, days: 7 } } }, ['/triggers/tierUpgrade']],
    [{ triggers: { afterPurchase: { enabled: true, days: 7 }, tierUpgrade: { enabled: true }, birthday: { enabled: true } } }, ['/triggers/birthday']],
    [{ expiryDays: 1 }, []],
    [{ expiryDays: 90 }, []],
    [{ expiryDays: 0 }, ['/expiryDays']],
    [{ expiryDays: 91 }, ['/expiryDays']],
    [{ expiryDays: 2.5 }, ['/expiryDays']],
    [{ surprise: true }, ['/surprise']],
  ])('%j gives errors at %j', (overrides, expected) => {
    expect(pointersOf({ ...demo, ...overrides })).toEqual(expected);
  });

  it('keys the page strings by language tags like "de" and "fr-CA"', () => {
    const strings = { de: { question: 'Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?', submit: 'Senden' }, 'fr-CA': { submit: 'Envoyer' }, en: { thanks: 'Cheers!' } };
    expect(errorsOf({ ...demo, strings })).toEqual([]);
    expect(feedbackSettingsInput.parse({ ...demo, strings }).strings).toEqual(strings);
  });

  it.each(['english', 'DE', 'fr-ca', 'fr_CA', 'zh-Hant', 'd', 'deu', 'de-', 'de-DE-x', ''])('refuses the language key %j, naming it', (tag) => {
    const errors = errorsOf({ ...demo, strings: { [tag]: { submit: 'Go' } } });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.pointer.startsWith('/strings'))).toBe(true);
  });

  it.each([
    [{ question: '' }, ['/strings/de/question']],
    [{ question: '   ' }, ['/strings/de/question']],
    [{ submit: 'x'.repeat(41) }, ['/strings/de/submit']],
    [{ low: 'x'.repeat(61) }, ['/strings/de/low']],
    [{ question: 'x'.repeat(201) }, ['/strings/de/question']],
    [{ notFound: 'Nicht gefunden' }, ['/strings/de/notFound']],
    [{ submit: 42 }, ['/strings/de/submit']],
  ])('refuses the German strings %j at %j', (strings, expected) => {
    expect(pointersOf({ ...demo, strings: { de: strings } })).toEqual(expected);
  });

  it('trims the page strings it keeps', () => {
    expect(feedbackSettingsInput.parse({ ...demo, strings: { de: { submit: '  Senden  ' } } }).strings).toEqual({ de: { submit: 'Senden' } });
  });
});
