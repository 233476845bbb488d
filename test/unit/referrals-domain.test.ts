import fc from 'fast-check';
import { REFERRAL_EVENTS } from '../../events/referrals';
import { CODE_ALPHABET, CODE_PATTERN, drawCode, normalizeCode, normalizeEmail, prefixFrom, saltedHash, suffixLength } from '../../functions/referrals/domain/codes';
import { DEMO_REFERRAL_PROGRAM, minimumOrderMinor, programOpen, referralProgramInput, type ReferralProgram, type ReferralProgramInput } from '../../functions/referrals/domain/program';
import {
  welcomeAtAttribution as offerAtAttribution,
  approve,
  attribute,
  change,
  dueAt,
  expire,
  firstPurchase,
  judgeAttribution,
  judgeFirstPurchase,
  OPEN_STATUSES,
  qualifyAndReward,
  reject,
  type Attribution,
  type FirstPurchaseFacts,
  type HistoryEntry,
  type QualifyingOrder,
  type Referral,
  type ReferralChange,
  type ReferralEventName,
  type ReferralStatus,
  type Verdict,
} from '../../functions/referrals/domain/referral';

/**
 * The referral service's pure domain: codes and emails as the fraud rules compare them, the program a marketer saves,
 * and the referral state machine with the advocate's counters it moves. Every planned change is checked against the
 * event contracts its history announces.
 */
const t0 = '2026-03-01T10:00:00.000Z';
const hours = (iso: string, count: number) => new Date(Date.parse(iso) + count * 3_600_000).toISOString();
const days = (iso: string, count: number) => hours(iso, count * 24);

const programOf = (overrides: Partial<ReferralProgramInput> = {}): ReferralProgram => ({ ...DEMO_REFERRAL_PROGRAM, version: 3, updatedAt: t0, updatedBy: 'test', ...overrides });
const program = programOf();
const noWelcome = programOf({ refereeReward: undefined });

const attribution = (overrides: Partial<Attribution> = {}): Attribution => ({
  referralId: 'rf_1',
  code: 'ANNA-7KQ2',
  advocateCustomerId: 'cust-advocate',
  refereeCustomerId: 'cust-friend',
  via: 'signup',
  by: 'storefront',
  ...overrides,
});
const qualifyingOrder = (overrides: Partial<QualifyingOrder> = {}): QualifyingOrder => ({ storeId: 'store-1', orderId: 'order-1', amountMinor: 5000, currency: 'USD', occurredAt: t0, ...overrides });
const factsOf = (overrides: Partial<FirstPurchaseFacts> = {}): FirstPurchaseFacts => ({
  order: qualifyingOrder(),
  netAmountMinor: 5000,
  fullyRefunded: false,
  advocateEmailHashes: [],
  advocateBanned: false,
  earlierPurchase: false,
  ipCountToday: 0,
  advocateCountToday: 0,
  ...overrides,
});
const PASS: Verdict = { kind: 'pass' };
const FLAG: Verdict = { kind: 'flag', rule: 'ipVelocity', detail: '4 referred first purchases from one network today (limit 3)' };
const BELOW: Verdict = { kind: 'reject', reason: 'below_minimum', rule: 'minimumOrder', detail: 'the purchase is below the minimum qualifying order of 20.00 USD' };

// ---- the history's contracts

const contracts = new Map(REFERRAL_EVENTS.map((contract) => [contract.detailType as ReferralEventName, contract]));
const STATUS_OF_EVENT: Record<Exclude<ReferralEventName, 'ReferralWelcomeOffered'>, ReferralStatus> = {
  ReferralAttributed: 'attributed',
  ReferralPending: 'pending',
  ReferralFlagged: 'flagged',
  ReferralQualified: 'qualified',
  ReferralRewarded: 'rewarded',
  ReferralRejected: 'rejected',
  ReferralExpired: 'expired',
};

/** A change's history: consecutive seqs after the referral's last, valid event data, statuses matching the events. */
function checkChange(planned: ReferralChange): void {
  const before = planned.before;
  let seq = before?.historySeq ?? 0;
  let status = before?.status;
  for (const entry of planned.history) {
    expect(entry.seq).toBe(++seq);
    const contract = contracts.get(entry.event);
    expect(contract).toBeDefined();
    const parsed = contract?.dataSchema.safeParse(entry.data);
    if (!parsed?.success) throw new Error(`${entry.event} data does not match its contract: ${JSON.stringify(entry.data)} ${JSON.stringify(parsed?.error.issues)}`);
    expect(entry.data).toMatchObject({
      referralId: planned.referral.referralId,
      code: planned.referral.code,
      advocateCustomerId: planned.referral.advocateCustomerId,
      refereeCustomerId: planned.referral.refereeCustomerId,
    });
    if (entry.event === 'ReferralWelcomeOffered') expect(entry.status).toBe(status);
    else expect(entry.status).toBe(STATUS_OF_EVENT[entry.event]);
    expect(entry.reason.length).toBeGreaterThan(0);
    expect(entry.by.length).toBeGreaterThan(0);
    status = entry.status;
  }
  expect(planned.referral.historySeq).toBe(seq);
  expect(planned.referral.status).toBe(status);
  for (const delta of Object.values(planned.stats)) expect(Number.isInteger(delta)).toBe(true);
}

const events = (planned: ReferralChange) => planned.history.map((entry) => entry.event);
const checked = (planned: ReferralChange) => {
  checkChange(planned);
  return planned;
};
/** Folds stats of a sequence of changes. */
const sumStats = (...changes: ReferralChange[]) => {
  const total: Record<string, number> = {};
  for (const planned of changes) for (const [key, value] of Object.entries(planned.stats)) total[key] = (total[key] ?? 0) + (value ?? 0);
  return total;
};

/** A signup as the use case makes it: attributed, then (the no-purchase rules passed) the welcome offer if due now. */
const signedUp = (target: ReferralProgram = program, at = t0, overrides: Partial<Attribution> = {}) => checked(offerAtAttribution(attribute(attribution(overrides), target, at), target, 'storefront:shop', at));
const pendingReferral = (target: ReferralProgram = program, at = t0) => {
  const attributed = signedUp(target, at);
  return { attributed, judged: checked(firstPurchase(change(attributed.referral), factsOf(), PASS, target, 'purchase-recorded', at)) };
};
const flaggedReferral = (target: ReferralProgram = program, at = t0) => {
  const attributed = signedUp(target, at);
  return { attributed, judged: checked(firstPurchase(change(attributed.referral), factsOf(), FLAG, target, 'purchase-recorded', at)) };
};

// ---- codes and emails

describe('normalizeEmail', () => {
  it.each([
    ['Anna.Smith+x@gmail.com', 'annasmith@gmail.com'],
    ['annasmith@gmail.com', 'annasmith@gmail.com'],
    ['a.n.n.a.smith@gmail.com', 'annasmith@gmail.com'],
    ['Anna.Smith@googlemail.com', 'annasmith@gmail.com'],
    ['ANNA.SMITH+news+more@GoogleMail.COM', 'annasmith@gmail.com'],
    ['  Anna.Smith@Example.COM \n', 'anna.smith@example.com'],
    ['anna.smith+tag@example.com', 'anna.smith@example.com'],
    ['anna.smith@gmail.co.uk', 'anna.smith@gmail.co.uk'],
    ['\tJO@EXAMPLE.ORG', 'jo@example.org'],
  ])('%j is %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it('makes the Gmail spellings of one person equal and keeps different non-Gmail people apart', () => {
    expect(normalizeEmail('Anna.Smith+x@gmail.com')).toBe(normalizeEmail('annasmith@googlemail.com'));
    expect(normalizeEmail('anna.smith@example.com')).not.toBe(normalizeEmail('annasmith@example.com'));
  });

  it.each(['', '   ', 'anna', 'anna.gmail.com', '@gmail.com', ' @gmail.com', 'anna@', 'anna@  ', '+only@gmail.com', '+@example.com', '...@gmail.com', '.+x@googlemail.com'])(
    'rejects %j',
    (input) => {
      expect(normalizeEmail(input)).toBeUndefined();
    },
  );

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const once = normalizeEmail(email);
        if (once !== undefined) expect(normalizeEmail(once)).toBe(once);
      }),
    );
  });
});

describe('codes', () => {
  it('draws suffixes from the alphabet without look-alikes only', () => {
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
    // Every index the random source can return, the first and last included.
    const all = drawCode('ANNA', CODE_ALPHABET.length, (() => {
      let next = 0;
      return () => next++;
    })());
    expect(all).toBe(`ANNA-${CODE_ALPHABET}`);
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 10 }), (length) => {
        const code = drawCode('ANNA', length);
        expect(code).toMatch(new RegExp(`^ANNA-[${CODE_ALPHABET}]{${length}}$`));
        expect(code.slice(5)).not.toMatch(/[01OIL]/);
        expect(normalizeCode(code)).toBe(code);
      }),
    );
  });

  it('asks the random source for indexes below the alphabet size', () => {
    const maxima: number[] = [];
    drawCode('FRIEND', 6, (max) => {
      maxima.push(max);
      return max - 1;
    });
    expect(maxima).toEqual(Array(6).fill(CODE_ALPHABET.length));
  });

  it.each([
    ['anna-7kq2', 'ANNA-7KQ2'],
    ['  Anna-7Kq2 ', 'ANNA-7KQ2'],
    ['ANNA-7KQ2', 'ANNA-7KQ2'],
    ['anna - 7kq2', 'ANNA-7KQ2'],
    ['\tfriend-7kq2m9\n', 'FRIEND-7KQ2M9'],
    ['AB-2345', 'AB-2345'],
    ['ABCDEFGHIJKL-23456789AB', 'ABCDEFGHIJKL-23456789AB'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeCode(input)).toBe(expected);
  });

  it.each([
    '',
    'ANNA',
    'ANNA7KQ2',
    'ANNA-',
    '-7KQ2',
    'A-7KQ2',
    'ANNA-7KQ',
    'ANNA-7KQ0',
    'ANNA-7KQO',
    'ANNA-7KQ1',
    'ANNA-7KQI',
    'anna-7kql',
    'ANNA-23456789ABC',
    'ABCDEFGHIJKLM-7KQ2',
    'ANNA2-7KQ2',
    'ANNA--7KQ2',
    'ANNA-7KQ2-X',
    'ÄNNA-7KQ2',
    'ANNA_7KQ2',
  ])('rejects %j', (input) => {
    expect(normalizeCode(input)).toBeUndefined();
  });

  it.each([
    ['Anna', 'ANNA'],
    ['José', 'JOSE'],
    ['Zoë Ångström', 'ZOEANGSTROM'],
    ["O'Brien-Smith 3rd", 'OBRIENSMITHR'],
    ['François', 'FRANCOIS'],
    ['jo', 'JO'],
    ['Maximilianus Augustus', 'MAXIMILIANUS'],
  ])('prefixFrom(%j) is %j', (name, expected) => {
    expect(prefixFrom(name)).toBe(expected);
  });

  it.each([undefined, '', 'J', 'J.', '42', '李', '  ', 'Ø', 'é'])('prefixFrom(%j) gives none (fewer than 2 letters A-Z)', (name) => {
    expect(prefixFrom(name)).toBeUndefined();
  });

  it('makes prefixes that form valid codes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const prefix = prefixFrom(name);
        if (prefix === undefined) return;
        expect(prefix).toMatch(/^[A-Z]{2,12}$/);
        expect(normalizeCode(drawCode(prefix, 4))).toBeDefined();
      }),
    );
  });

  it('lengthens the suffix with the attempts, starting at 4 for a personal prefix and 6 for the shared default', () => {
    expect(suffixLength(true, 0)).toBe(4);
    expect(suffixLength(false, 0)).toBe(6);
    for (const personal of [true, false]) {
      for (let attempt = 1; attempt < 12; attempt++) expect(suffixLength(personal, attempt)).toBeGreaterThanOrEqual(suffixLength(personal, attempt - 1));
      expect(suffixLength(personal, 11)).toBeGreaterThan(suffixLength(personal, 0));
    }
  });

  it('draws only codes a person can type back, in every attempt the use cases make (0-11, rotation 2-13)', () => {
    // ensureReferralCode: drawCode(prefix, suffixLength(personal, attempt)) for attempt 0..11; rotateCode: suffixLength(true, attempt + 2).
    const drawn: string[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      drawn.push(drawCode('FRIEND', suffixLength(false, attempt)), drawCode('ANNA', suffixLength(true, attempt)), drawCode('ANNA', suffixLength(true, attempt + 2)));
    }
    expect(drawn.filter((code) => normalizeCode(code) !== code)).toEqual([]);
  });

  it('has a pattern that the drawn code matches exactly', () => {
    expect(CODE_PATTERN.test('ANNA-7KQ2')).toBe(true);
    expect(CODE_PATTERN.test('anna-7kq2')).toBe(false);
  });
});

describe('saltedHash', () => {
  it('is deterministic, short and URL-safe', () => {
    const hash = saltedHash('salt-1', 'email', 'annasmith@gmail.com');
    expect(saltedHash('salt-1', 'email', 'annasmith@gmail.com')).toBe(hash);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('differs by salt, by kind and by value', () => {
    const hashes = [
      saltedHash('salt-1', 'email', 'a@example.com'),
      saltedHash('salt-2', 'email', 'a@example.com'),
      saltedHash('salt-1', 'ip', 'a@example.com'),
      saltedHash('salt-1', 'agent', 'a@example.com'),
      saltedHash('salt-1', 'email', 'b@example.com'),
      saltedHash('', 'email', 'a@example.com'),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('does not contain the value it hashes', () => {
    expect(saltedHash('s', 'ip', '203.0.113.7')).not.toContain('203');
  });

  it('compares normalized emails: two spellings of one Gmail address hash alike', () => {
    const hashOf = (email: string) => saltedHash('s', 'email', normalizeEmail(email) as string);
    expect(hashOf('Anna.Smith+x@gmail.com')).toBe(hashOf('annasmith@googlemail.com'));
  });
});

// ---- the program

describe('referral program schema', () => {
  const issues = (input: unknown) => {
    const parsed = referralProgramInput.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  };
  const pathsOf = (input: unknown) => issues(input).map((issue) => issue.path);

  it('accepts the demo program unchanged', () => {
    expect(referralProgramInput.parse(DEMO_REFERRAL_PROGRAM)).toEqual(DEMO_REFERRAL_PROGRAM);
  });

  it('defaults the code prefix and the click limit', () => {
    const { codePrefix: _prefix, clicksPerIpPerHour: _clicks, ...rest } = DEMO_REFERRAL_PROGRAM;
    const parsed = referralProgramInput.parse(rest);
    expect(parsed.codePrefix).toBe('FRIEND');
    expect(parsed.clicksPerIpPerHour).toBe(30);
  });

  it('accepts optional dates in order, with offsets', () => {
    expect(issues({ ...DEMO_REFERRAL_PROGRAM, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-02-01T00:00:00+01:00' })).toEqual([]);
    expect(issues({ ...DEMO_REFERRAL_PROGRAM, startsAt: '2026-01-01T00:00:00Z' })).toEqual([]);
  });

  it.each([
    ['2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z'],
    // Later as text, earlier as an instant.
    ['2026-02-01T10:00:00Z', '2026-02-01T11:00:00+05:00'],
  ])('names endsAt when it is not after startsAt (%s .. %s)', (startsAt, endsAt) => {
    expect(issues({ ...DEMO_REFERRAL_PROGRAM, startsAt, endsAt })).toEqual([{ path: 'endsAt', message: 'must be after startsAt' }]);
  });

  it.each(['https://shop.example.com/', 'https://shop.example.com/welcome?x=1', 'http://localhost:3000/landing', 'http://127.0.0.1/', 'http://[::1]:8080/'])('accepts landing URL %s', (landingUrl) => {
    expect(issues({ ...DEMO_REFERRAL_PROGRAM, landingUrl })).toEqual([]);
  });

  it.each(['http://shop.example.com/', 'http://localhost.evil.example/', 'ftp://shop.example.com/', 'javascript:alert(1)', 'not a url', '/relative', `https://shop.example.com/${'a'.repeat(2000)}`])(
    'rejects landing URL %s, naming the field',
    (landingUrl) => {
      expect(() => referralProgramInput.safeParse({ ...DEMO_REFERRAL_PROGRAM, landingUrl })).not.toThrow();
      const found = issues({ ...DEMO_REFERRAL_PROGRAM, landingUrl });
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((issue) => issue.path === 'landingUrl')).toBe(true);
    },
  );

  it('says why a plain-http landing URL is refused', () => {
    expect(issues({ ...DEMO_REFERRAL_PROGRAM, landingUrl: 'http://shop.example.com/' })).toEqual([{ path: 'landingUrl', message: 'must use https (http only for localhost)' }]);
  });

  it.each([
    [{ holdDays: 0 }, []],
    [{ holdDays: 365 }, []],
    [{ holdDays: -1 }, ['holdDays']],
    [{ holdDays: 366 }, ['holdDays']],
    [{ holdDays: 1.5 }, ['holdDays']],
    [{ holdDays: '14' }, ['holdDays']],
    [{ attributionWindowDays: 1 }, []],
    [{ attributionWindowDays: 0 }, ['attributionWindowDays']],
    [{ attributionWindowDays: 366 }, ['attributionWindowDays']],
    [{ codePrefix: 'friend' }, ['codePrefix']],
    [{ codePrefix: 'F' }, ['codePrefix']],
    [{ clicksPerIpPerHour: 0 }, ['clicksPerIpPerHour']],
    [{ advocateReward: { kind: 'points', points: 0 } }, ['advocateReward.points']],
    [{ advocateReward: { kind: 'points', points: 1_000_001 } }, ['advocateReward.points']],
    [{ advocateReward: { kind: 'coupon', rewardId: 'free shipping' } }, ['advocateReward.rewardId']],
    [{ advocateReward: { kind: 'coupon', rewardId: 'free-shipping' } }, []],
    [{ refereeReward: { offer: { kind: 'points', points: 100 }, when: 'signup' } }, ['refereeReward.when']],
    [{ rules: { ...DEMO_REFERRAL_PROGRAM.rules, ipVelocity: { enabled: true, maxPerDay: 0 } } }, ['rules.ipVelocity.maxPerDay']],
    [{ limits: { maxRewardsPerAdvocatePer30Days: 0 } }, ['limits.maxRewardsPerAdvocatePer30Days']],
    [{ surprise: true }, ['']],
  ])('%j gives issues at %j', (overrides, expected) => {
    expect(pathsOf({ ...DEMO_REFERRAL_PROGRAM, ...overrides })).toEqual(expected);
  });

  it.each([
    [{ amount: '25.00', currency: 'EUR' }, []],
    [{ amount: '2500', currency: 'JPY' }, []],
    [{ amount: '0', currency: 'USD' }, []],
    [{ amount: '25.001', currency: 'USD' }, ['minimumOrder.amount']],
    [{ amount: '25.5', currency: 'JPY' }, ['minimumOrder.amount']],
    [{ amount: '25,00', currency: 'USD' }, ['minimumOrder.amount']],
    [{ amount: 25, currency: 'USD' }, ['minimumOrder.amount']],
    [{ amount: '-1', currency: 'USD' }, ['minimumOrder.amount']],
  ])('minimum order %j gives issues at %j', (minimumOrder, expected) => {
    const paths = pathsOf({ ...DEMO_REFERRAL_PROGRAM, minimumOrder });
    expect([...new Set(paths)]).toEqual(expected);
  });

  it.each([
    [{ amount: '25.00', currency: 'usd' }],
    [{ amount: '25.00', currency: 'ABC' }],
    [{ amount: '25.00', currency: 'US' }],
  ])('minimum order %j names the currency', (minimumOrder) => {
    const found = issues({ ...DEMO_REFERRAL_PROGRAM, minimumOrder });
    expect(found.map((issue) => issue.path)).toContain('minimumOrder.currency');
    expect(found.every((issue) => issue.path.startsWith('minimumOrder.'))).toBe(true);
  });

  it('converts the minimum order to minor units of its currency', () => {
    expect(minimumOrderMinor(DEMO_REFERRAL_PROGRAM)).toEqual({ amountMinor: 2000, currency: 'USD' });
    expect(minimumOrderMinor({ minimumOrder: { amount: '2500', currency: 'JPY' } })).toEqual({ amountMinor: 2500, currency: 'JPY' });
    expect(minimumOrderMinor({ minimumOrder: { amount: '0', currency: 'EUR' } })).toEqual({ amountMinor: 0, currency: 'EUR' });
    expect(minimumOrderMinor({})).toBeUndefined();
  });

  it('is open while active and between its dates (start included, end excluded)', () => {
    const dated = { ...DEMO_REFERRAL_PROGRAM, startsAt: '2026-01-01T00:00:00.000Z', endsAt: '2026-02-01T00:00:00.000Z' };
    expect(programOpen(dated, '2025-12-31T23:59:59.999Z')).toEqual({ open: false, reason: 'the referral program starts at 2026-01-01T00:00:00.000Z' });
    expect(programOpen(dated, '2026-01-01T00:00:00.000Z')).toEqual({ open: true });
    expect(programOpen(dated, '2026-01-31T23:59:59.999Z')).toEqual({ open: true });
    expect(programOpen(dated, '2026-02-01T00:00:00.000Z')).toEqual({ open: false, reason: 'the referral program ended at 2026-02-01T00:00:00.000Z' });
    expect(programOpen({ ...dated, active: false }, '2026-01-15T00:00:00.000Z')).toEqual({ open: false, reason: 'the referral program is not active' });
    expect(programOpen(DEMO_REFERRAL_PROGRAM, t0)).toEqual({ open: true });
  });

  // The schema accepts offsets and datetimes without milliseconds; the use cases pass `now` as toISOString().
  it.each([
    ['a start written with an offset has passed', { startsAt: '2026-01-01T10:00:00+05:00' }, '2026-01-01T06:00:00.000Z', true],
    ['an end written with an offset has passed', { endsAt: '2026-01-01T12:00:00+05:00' }, '2026-01-01T08:00:00.000Z', false],
    ['a start written without milliseconds passed half a second ago', { startsAt: '2026-01-01T00:00:00Z' }, '2026-01-01T00:00:00.500Z', true],
    ['an end written without milliseconds passed half a second ago', { endsAt: '2026-01-01T00:00:00Z' }, '2026-01-01T00:00:00.500Z', false],
  ])('compares the program dates as instants: %s', (_case, dates, at, open) => {
    expect(programOpen({ ...DEMO_REFERRAL_PROGRAM, ...dates }, at).open).toBe(open);
  });
});

// ---- the state machine

describe('attribution', () => {
  it('attributes a signup with its window, counting one referral', () => {
    const planned = signedUp(noWelcome, t0, { refereeEmailHash: 'e', ipHash: 'i', agentHash: 'a' });
    expect(planned.before).toBeUndefined();
    expect(planned.referral).toMatchObject({
      status: 'attributed',
      via: 'signup',
      attributedAt: t0,
      windowEndsAt: days(t0, 30),
      refereeEmailHash: 'e',
      ipHash: 'i',
      agentHash: 'a',
      flags: [],
      welcomeOffered: false,
      programVersion: 3,
      version: 0,
      historySeq: 1,
      updatedAt: t0,
    });
    expect(planned.stats).toEqual({ referred: 1 });
    expect(planned.history).toEqual([
      expect.objectContaining({ seq: 1, event: 'ReferralAttributed', status: 'attributed', by: 'storefront', at: t0, data: expect.objectContaining({ via: 'signup', attributedAt: t0, windowEndsAt: days(t0, 30) }) }),
    ]);
    expect(dueAt(planned.referral)).toBe(days(t0, 30));
  });

  it('uses the program window', () => {
    expect(signedUp(programOf({ attributionWindowDays: 7 })).referral.windowEndsAt).toBe(days(t0, 7));
  });

  it('gives a purchase attribution no window, nothing due, and no hashes it was not given', () => {
    const planned = checked(attribute(attribution({ via: 'purchase', by: 'purchase-recorded' }), noWelcome, t0));
    expect(planned.referral.windowEndsAt).toBeUndefined();
    expect(planned.history[0]?.data).not.toHaveProperty('windowEndsAt');
    expect(planned.referral).not.toHaveProperty('ipHash');
    expect(planned.referral).not.toHaveProperty('refereeEmailHash');
    expect(planned.stats).toEqual({ referred: 1 });
    expect(dueAt(planned.referral)).toBeUndefined();
    expect(() => expire(change(planned.referral), days(t0, 400))).toThrow('does not expire');
  });

  it('offers the welcome at attribution when the program says so, and not otherwise', () => {
    const offer = { kind: 'coupon' as const, rewardId: 'welcome-10' };
    const atAttribution = signedUp(programOf({ refereeReward: { offer, when: 'attribution' } }));
    expect(events(atAttribution)).toEqual(['ReferralAttributed', 'ReferralWelcomeOffered']);
    expect(atAttribution.history[1]).toMatchObject({ seq: 2, status: 'attributed', data: { offer } });
    expect(atAttribution.referral).toMatchObject({ welcomeOffered: true, historySeq: 2, status: 'attributed' });
    expect(atAttribution.stats).toEqual({ referred: 1 });
    for (const when of ['first_purchase', 'qualified'] as const) expect(events(signedUp(programOf({ refereeReward: { offer, when } })))).toEqual(['ReferralAttributed']);
    expect(events(signedUp(noWelcome))).toEqual(['ReferralAttributed']);
  });
});

describe('judging', () => {
  const attributed = signedUp(noWelcome, t0, { refereeEmailHash: 'friend-hash' }).referral;
  const minimum = minimumOrderMinor(program);
  const verdictOf = (overrides: Partial<FirstPurchaseFacts>, target: ReferralProgram = program, referral: Referral = attributed) => judgeFirstPurchase(referral, factsOf(overrides), target, minimumOrderMinor(target));
  const ruleOf = (verdict: Verdict) => (verdict.kind === 'pass' ? 'pass' : `${verdict.kind}:${verdict.kind === 'reject' ? verdict.reason : ''}:${verdict.rule}`);

  it('passes a clean first purchase', () => {
    expect(judgeFirstPurchase(attributed, factsOf(), program, minimum)).toEqual({ kind: 'pass' });
  });

  it('applies the rules in order: ban, self by id, self by email, existing customer, refund, minimum and currency, velocity', () => {
    const self = { ...attributed, refereeCustomerId: attributed.advocateCustomerId };
    const everything: Partial<FirstPurchaseFacts> = {
      advocateBanned: true,
      advocateEmailHashes: ['friend-hash'],
      earlierPurchase: true,
      fullyRefunded: true,
      netAmountMinor: 0,
      order: qualifyingOrder({ currency: 'EUR' }),
      ipCountToday: 99,
      advocateCountToday: 99,
    };
    const steps: [Partial<FirstPurchaseFacts>, Referral, string][] = [
      [everything, self, 'reject:advocate_banned:ban'],
      [{ ...everything, advocateBanned: false }, self, 'reject:self_referral:selfReferral'],
      [{ ...everything, advocateBanned: false }, attributed, 'reject:self_referral:selfReferral'],
      [{ ...everything, advocateBanned: false, advocateEmailHashes: ['other'] }, attributed, 'reject:existing_customer:existingCustomer'],
      [{ ...everything, advocateBanned: false, advocateEmailHashes: [], earlierPurchase: false }, attributed, 'reject:refunded:refund'],
      [{ ...everything, advocateBanned: false, advocateEmailHashes: [], earlierPurchase: false, fullyRefunded: false }, attributed, 'reject:below_minimum:minimumOrder'],
      [{ ...everything, advocateBanned: false, advocateEmailHashes: [], earlierPurchase: false, fullyRefunded: false, netAmountMinor: 5000 }, attributed, 'reject:below_minimum:minimumOrder'],
      [{ ...everything, advocateBanned: false, advocateEmailHashes: [], earlierPurchase: false, fullyRefunded: false, netAmountMinor: 5000, order: qualifyingOrder() }, attributed, 'flag::ipVelocity'],
      [{ advocateCountToday: 99 }, attributed, 'flag::advocateVelocity'],
      [{}, attributed, 'pass'],
    ];
    expect(steps.map(([facts, referral]) => ruleOf(verdictOf(facts, program, referral)))).toEqual(steps.map(([, , expected]) => expected));
  });

  it('names the rule in the details it gives', () => {
    expect(verdictOf({}, program, { ...attributed, refereeCustomerId: attributed.advocateCustomerId })).toMatchObject({ detail: 'the friend is the advocate (same customer id)' });
    expect(verdictOf({ advocateEmailHashes: ['x', 'friend-hash'] })).toMatchObject({ detail: "the friend's email is the advocate's (after normalization)" });
    expect(verdictOf({ netAmountMinor: 1999 })).toMatchObject({ detail: 'the purchase is below the minimum qualifying order of 20.00 USD' });
  });

  it("compares the purchase's email hash, or the signup's when the purchase has none", () => {
    expect(ruleOf(verdictOf({ refereeEmailHash: 'advocate-hash', advocateEmailHashes: ['advocate-hash'] }, program, { ...attributed, refereeEmailHash: undefined }))).toBe('reject:self_referral:selfReferral');
    expect(ruleOf(verdictOf({ advocateEmailHashes: ['friend-hash'] }))).toBe('reject:self_referral:selfReferral');
    expect(ruleOf(verdictOf({ refereeEmailHash: 'other', advocateEmailHashes: ['advocate-hash'] }))).toBe('pass');
  });

  it("rejects a self-referral by the signup's email even when the purchase carries another email", () => {
    // Signed up with the advocate's own address (not yet known as the advocate's then), bought with a second one.
    expect(ruleOf(verdictOf({ refereeEmailHash: 'second-address', advocateEmailHashes: ['friend-hash'] }))).toBe('reject:self_referral:selfReferral');
  });

  it('skips the self-referral and existing-customer rules when they are switched off', () => {
    const lenient = programOf({ rules: { ...program.rules, selfReferral: { enabled: false }, existingCustomer: { enabled: false } } });
    expect(verdictOf({ advocateEmailHashes: ['friend-hash'], earlierPurchase: true }, lenient, { ...attributed, refereeCustomerId: attributed.advocateCustomerId })).toEqual({ kind: 'pass' });
    // A ban is no rule to switch off.
    expect(ruleOf(verdictOf({ advocateBanned: true }, lenient))).toBe('reject:advocate_banned:ban');
  });

  it('rejects below the minimum net of refunds, accepts the minimum exactly, and rejects another currency', () => {
    expect(ruleOf(verdictOf({ netAmountMinor: 1999 }))).toBe('reject:below_minimum:minimumOrder');
    expect(ruleOf(verdictOf({ netAmountMinor: 2000 }))).toBe('pass');
    expect(ruleOf(verdictOf({ order: qualifyingOrder({ amountMinor: 50000, currency: 'EUR' }), netAmountMinor: 50000 }))).toBe('reject:below_minimum:minimumOrder');
    const noMinimum = programOf({ minimumOrder: undefined });
    expect(ruleOf(verdictOf({ order: qualifyingOrder({ amountMinor: 1, currency: 'EUR' }), netAmountMinor: 1 }, noMinimum))).toBe('pass');
    // A zero minimum still fixes the currency.
    const zero = programOf({ minimumOrder: { amount: '0', currency: 'USD' } });
    expect(ruleOf(verdictOf({ netAmountMinor: 1 }, zero))).toBe('pass');
    expect(ruleOf(verdictOf({ order: qualifyingOrder({ currency: 'EUR' }) }, zero))).toBe('reject:below_minimum:minimumOrder');
  });

  it('flags at the velocity limits and not below them, and not when the rules are off', () => {
    const { maxPerDay: ipMax } = program.rules.ipVelocity;
    const { maxPerDay: advocateMax } = program.rules.advocateVelocity;
    expect(ruleOf(verdictOf({ ipCountToday: ipMax - 1 }))).toBe('pass');
    expect(verdictOf({ ipCountToday: ipMax })).toEqual({ kind: 'flag', rule: 'ipVelocity', detail: `${ipMax + 1} referred first purchases from one network today (limit ${ipMax})` });
    expect(ruleOf(verdictOf({ ipCountToday: undefined }))).toBe('pass');
    expect(ruleOf(verdictOf({ advocateCountToday: advocateMax - 1 }))).toBe('pass');
    expect(verdictOf({ advocateCountToday: advocateMax })).toEqual({ kind: 'flag', rule: 'advocateVelocity', detail: `${advocateMax + 1} referred first purchases for this advocate today (limit ${advocateMax})` });
    const off = programOf({ rules: { ...program.rules, ipVelocity: { enabled: false, maxPerDay: 1 }, advocateVelocity: { enabled: false, maxPerDay: 1 } } });
    expect(ruleOf(verdictOf({ ipCountToday: 50, advocateCountToday: 50 }, off))).toBe('pass');
  });

  it('judges an attribution without a purchase by the same first three rules', () => {
    const base = { advocateEmailHashes: [], advocateBanned: false, earlierPurchase: false };
    expect(judgeAttribution(attributed, base, program)).toEqual({ kind: 'pass' });
    expect(judgeAttribution(attributed, { ...base, advocateBanned: true, earlierPurchase: true }, program)).toMatchObject({ reason: 'advocate_banned', rule: 'ban' });
    expect(judgeAttribution(attributed, { ...base, advocateEmailHashes: ['friend-hash'], earlierPurchase: true }, program)).toMatchObject({ reason: 'self_referral' });
    expect(judgeAttribution(attributed, { ...base, earlierPurchase: true }, program)).toMatchObject({ reason: 'existing_customer', rule: 'existingCustomer' });
  });
});

describe('first purchase', () => {
  it('holds the reward: pending until now + holdDays, with the held points counted', () => {
    const { attributed, judged } = pendingReferral(noWelcome);
    const at = hours(t0, 5);
    const again = checked(firstPurchase(change(attributed.referral), factsOf({ refereeEmailHash: 'late-hash' }), PASS, noWelcome, 'purchase-recorded', at));
    for (const [planned, when] of [
      [judged, t0],
      [again, at],
    ] as const) {
      expect(planned.referral).toMatchObject({ status: 'pending', holdUntil: days(when, 14), heldPoints: 500, order: qualifyingOrder(), historySeq: 2 });
      expect(planned.stats).toEqual({ pending: 1, pendingRewardPoints: 500 });
      expect(events(planned)).toEqual(['ReferralPending']);
      expect(planned.history[0]?.data).toMatchObject({ storeId: 'store-1', orderId: 'order-1', amountMinor: 5000, currency: 'USD', holdUntil: days(when, 14) });
      expect(dueAt(planned.referral)).toBe(days(when, 14));
    }
    expect(again.referral.refereeEmailHash).toBe('late-hash');
  });

  it("keeps the signup's email hash rather than the purchase's", () => {
    const attributed = signedUp(noWelcome, t0, { refereeEmailHash: 'signup-hash' });
    const judged = firstPurchase(change(attributed.referral), factsOf({ refereeEmailHash: 'purchase-hash' }), PASS, noWelcome, 'purchase-recorded', t0);
    expect(judged.referral.refereeEmailHash).toBe('signup-hash');
  });

  it('holds nothing for a coupon reward and qualifies at once after a 0-day hold', () => {
    const coupon = programOf({ holdDays: 0, refereeReward: undefined, advocateReward: { kind: 'coupon', rewardId: 'tote-bag' } });
    const { judged } = pendingReferral(coupon);
    expect(judged.referral).toMatchObject({ heldPoints: 0, holdUntil: t0 });
    expect(judged.stats).toEqual({ pending: 1, pendingRewardPoints: 0 });
    const rewarded = checked(qualifyAndReward(change(judged.referral), coupon, 'schedule', t0));
    expect(rewarded.history[1]?.data).toMatchObject({ reward: { kind: 'coupon', rewardId: 'tote-bag' } });
  });

  it('offers the welcome on a passing first purchase when the program says first_purchase', () => {
    const { judged } = pendingReferral(program);
    expect(events(judged)).toEqual(['ReferralPending', 'ReferralWelcomeOffered']);
    expect(judged.history[1]).toMatchObject({ seq: 3, status: 'pending', data: { offer: { kind: 'points', points: 200 } } });
    expect(judged.referral).toMatchObject({ welcomeOffered: true, status: 'pending' });
  });

  it('does not offer again what was offered at attribution', () => {
    const target = programOf({ refereeReward: { offer: { kind: 'points', points: 50 }, when: 'attribution' } });
    const { attributed, judged } = pendingReferral(target);
    expect(events(attributed)).toEqual(['ReferralAttributed', 'ReferralWelcomeOffered']);
    expect(events(judged)).toEqual(['ReferralPending']);
    expect(events(checked(qualifyAndReward(change(judged.referral), target, 'schedule', days(t0, 14))))).toEqual(['ReferralQualified', 'ReferralRewarded']);
  });

  it('flags: pending then flagged, with the held points, no welcome offer yet, and nothing due', () => {
    const { judged } = flaggedReferral(program);
    expect(events(judged)).toEqual(['ReferralPending', 'ReferralFlagged']);
    expect(judged.history.map((entry) => [entry.seq, entry.status])).toEqual([
      [2, 'pending'],
      [3, 'flagged'],
    ]);
    expect(judged.history[1]).toMatchObject({ rule: 'ipVelocity', reason: FLAG.kind === 'flag' ? FLAG.detail : '', data: { rule: 'ipVelocity' } });
    expect(judged.referral).toMatchObject({ status: 'flagged', heldPoints: 500, welcomeOffered: false, flags: [{ rule: 'ipVelocity', at: t0 }] });
    expect(judged.stats).toEqual({ pending: 0, flagged: 1, pendingRewardPoints: 500 });
    expect(dueAt(judged.referral)).toBeUndefined();
  });

  it('rejects: rejected with the rule and the order, nothing held, no welcome offer', () => {
    const attributed = signedUp(program);
    const judged = checked(firstPurchase(change(attributed.referral), factsOf({ netAmountMinor: 100 }), BELOW, program, 'purchase-recorded', t0));
    expect(events(judged)).toEqual(['ReferralRejected']);
    expect(judged.history[0]).toMatchObject({ seq: 2, rule: 'minimumOrder', reason: BELOW.kind === 'reject' ? BELOW.detail : '', by: 'purchase-recorded', data: { reason: 'below_minimum', rule: 'minimumOrder', by: 'purchase-recorded' } });
    expect(judged.referral).toMatchObject({ status: 'rejected', heldPoints: 0, order: qualifyingOrder(), welcomeOffered: false, rejection: { reason: 'below_minimum', rule: 'minimumOrder', by: 'purchase-recorded', at: t0 } });
    expect(judged.stats).toEqual({ rejected: 1 });
    expect(dueAt(judged.referral)).toBeUndefined();
  });

  it('judges a purchase attribution in the same change', () => {
    const planned = attribute(attribution({ via: 'purchase', by: 'purchase-recorded' }), program, t0);
    firstPurchase(planned, factsOf(), PASS, program, 'purchase-recorded', t0);
    checkChange(planned);
    expect(events(planned)).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralWelcomeOffered']);
    expect(planned.stats).toEqual({ referred: 1, pending: 1, pendingRewardPoints: 500 });
  });

  it('judges a first purchase only once', () => {
    const { judged } = pendingReferral();
    for (const referral of [judged.referral, flaggedReferral().judged.referral]) {
      expect(() => firstPurchase(change(referral), factsOf(), PASS, program, 'purchase-recorded', t0)).toThrow('has had its first purchase');
    }
  });
});

describe('a referral rejected at attribution', () => {
  // As attributeSignup composes them (attribute, then judgeAttribution, then reject in the same change) and onPurchase
  // (attribute, then firstPurchase with a rejecting verdict): a referral the rules reject rewards no one.
  const welcomeAtAttribution = programOf({ refereeReward: { offer: { kind: 'points', points: 200 }, when: 'attribution' } });

  it('offers the friend no welcome: a self-referral signup', () => {
    const planned = attribute(attribution({ refereeEmailHash: 'advocate-hash' }), welcomeAtAttribution, t0);
    const verdict = judgeAttribution(planned.referral, { refereeEmailHash: 'advocate-hash', advocateEmailHashes: ['advocate-hash'], advocateBanned: false, earlierPurchase: false }, welcomeAtAttribution);
    if (verdict.kind === 'reject') reject(planned, { reason: verdict.reason, rule: verdict.rule, detail: verdict.detail, by: 'storefront' }, t0);
    checkChange(planned);
    expect(planned.referral.status).toBe('rejected');
    expect(events(planned)).not.toContain('ReferralWelcomeOffered');
  });

  it('offers the friend no welcome: a purchase carrying the code of an existing customer', () => {
    const planned = attribute(attribution({ via: 'purchase', by: 'purchase-recorded' }), welcomeAtAttribution, t0);
    const verdict = judgeFirstPurchase(planned.referral, factsOf({ earlierPurchase: true }), welcomeAtAttribution, minimumOrderMinor(welcomeAtAttribution));
    expect(verdict).toMatchObject({ kind: 'reject', reason: 'existing_customer' });
    firstPurchase(planned, factsOf({ earlierPurchase: true }), verdict, welcomeAtAttribution, 'purchase-recorded', t0);
    checkChange(planned);
    expect(planned.referral.status).toBe('rejected');
    expect(events(planned)).not.toContain('ReferralWelcomeOffered');
  });
});

describe('qualifying and rewarding', () => {
  it('emits qualified then rewarded, releasing the held points', () => {
    const { attributed, judged } = pendingReferral(program);
    const at = days(t0, 14);
    const rewarded = checked(qualifyAndReward(change(judged.referral), program, 'schedule', at));
    expect(events(rewarded)).toEqual(['ReferralQualified', 'ReferralRewarded']);
    expect(rewarded.history.map((entry) => [entry.seq, entry.status])).toEqual([
      [4, 'qualified'],
      [5, 'rewarded'],
    ]);
    expect(rewarded.history[0]).toMatchObject({ reason: 'the qualifying purchase survived the hold period', data: { storeId: 'store-1', orderId: 'order-1', by: 'schedule' } });
    expect(rewarded.history[1]).toMatchObject({ data: { reward: { kind: 'points', points: 500 } } });
    expect(rewarded.referral).toMatchObject({ status: 'rewarded', rewardedAt: at, updatedAt: at, historySeq: 5 });
    expect(rewarded.stats).toEqual({ pending: -1, pendingRewardPoints: -500, qualified: 1, rewarded: 1 });
    expect(sumStats(attributed, judged, rewarded)).toEqual({ referred: 1, pending: 0, pendingRewardPoints: 0, qualified: 1, rewarded: 1 });
    expect(dueAt(rewarded.referral)).toBeUndefined();
  });

  it("offers the welcome once, after the reward, when the program says 'qualified'", () => {
    const target = programOf({ refereeReward: { offer: { kind: 'coupon', rewardId: 'welcome' }, when: 'qualified' } });
    const { judged } = pendingReferral(target);
    expect(events(judged)).toEqual(['ReferralPending']);
    const rewarded = checked(qualifyAndReward(change(judged.referral), target, 'schedule', days(t0, 14)));
    expect(events(rewarded)).toEqual(['ReferralQualified', 'ReferralRewarded', 'ReferralWelcomeOffered']);
    expect(rewarded.history[2]).toMatchObject({ seq: 5, status: 'rewarded', data: { offer: { kind: 'coupon', rewardId: 'welcome' } } });
    expect(rewarded.referral.welcomeOffered).toBe(true);
  });

  it("does not offer again at qualification what the first purchase offered ('first_purchase')", () => {
    const { judged } = pendingReferral(program);
    expect(events(checked(qualifyAndReward(change(judged.referral), program, 'schedule', days(t0, 14))))).toEqual(['ReferralQualified', 'ReferralRewarded']);
  });

  it('rewards with what the program says, and releases what was held', () => {
    const { judged } = pendingReferral(noWelcome);
    const richer = programOf({ refereeReward: undefined, advocateReward: { kind: 'points', points: 800 } });
    const rewarded = checked(qualifyAndReward(change(judged.referral), richer, 'schedule', days(t0, 14)));
    expect(rewarded.stats.pendingRewardPoints).toBe(-500);
  });

  it('qualifies only pending or flagged referrals', () => {
    const { judged } = pendingReferral(noWelcome);
    const rewarded = qualifyAndReward(change(judged.referral), noWelcome, 'schedule', days(t0, 14)).referral;
    const rejected = reject(change(judged.referral), { reason: 'fraud', by: 'marketer:m' }, t0).referral;
    for (const referral of [signedUp().referral, rewarded, rejected, expire(change(signedUp().referral), days(t0, 30)).referral]) {
      expect(() => qualifyAndReward(change(referral), noWelcome, 'schedule', days(t0, 14))).toThrow('cannot qualify');
    }
  });
});

describe('review', () => {
  it('approves a flagged referral before the hold ends back to pending, then qualifies it at the hold end', () => {
    const target = programOf({ refereeReward: { offer: { kind: 'points', points: 200 }, when: 'first_purchase' } });
    const { attributed, judged } = flaggedReferral(target);
    const at = days(t0, 2);
    const approved = checked(approve(change(judged.referral), target, 'marketer:m', at));
    expect(events(approved)).toEqual(['ReferralPending', 'ReferralWelcomeOffered']);
    expect(approved.history[0]).toMatchObject({ seq: 4, status: 'pending', by: 'marketer:m', data: { holdUntil: days(t0, 14), amountMinor: 5000 } });
    expect(approved.referral).toMatchObject({ status: 'pending', holdUntil: days(t0, 14), heldPoints: 500, welcomeOffered: true });
    expect(approved.stats).toEqual({ flagged: -1, pending: 1 });
    expect(dueAt(approved.referral)).toBe(days(t0, 14));
    const rewarded = checked(qualifyAndReward(change(approved.referral), target, 'schedule', days(t0, 14)));
    expect(events(rewarded)).toEqual(['ReferralQualified', 'ReferralRewarded']);
    expect(sumStats(attributed, judged, approved, rewarded)).toEqual({ referred: 1, pending: 0, flagged: 0, pendingRewardPoints: 0, qualified: 1, rewarded: 1 });
  });

  it("approves a flagged referral after (or at) the hold end straight to rewarded, with the welcome it did not get yet ('first_purchase')", () => {
    for (const at of [days(t0, 14), days(t0, 20)]) {
      const { attributed, judged } = flaggedReferral(program);
      const approved = checked(approve(change(judged.referral), program, 'marketer:m', at));
      expect(events(approved)).toEqual(['ReferralQualified', 'ReferralRewarded', 'ReferralWelcomeOffered']);
      expect(approved.history[0]).toMatchObject({ reason: 'approved', by: 'marketer:m', data: { by: 'marketer:m' } });
      expect(approved.referral).toMatchObject({ status: 'rewarded', rewardedAt: at, welcomeOffered: true });
      expect(approved.stats).toEqual({ flagged: -1, pendingRewardPoints: -500, qualified: 1, rewarded: 1 });
      expect(sumStats(attributed, judged, approved)).toEqual({ referred: 1, pending: 0, flagged: 0, pendingRewardPoints: 0, qualified: 1, rewarded: 1 });
    }
  });

  it("offers no welcome on approval before the hold end when the program says 'qualified'", () => {
    const target = programOf({ refereeReward: { offer: { kind: 'points', points: 200 }, when: 'qualified' } });
    const { judged } = flaggedReferral(target);
    expect(events(checked(approve(change(judged.referral), target, 'marketer:m', days(t0, 1))))).toEqual(['ReferralPending']);
  });

  it('approves only flagged referrals', () => {
    const { judged } = pendingReferral();
    for (const referral of [signedUp().referral, judged.referral, qualifyAndReward(change(judged.referral), program, 'schedule', days(t0, 14)).referral]) {
      expect(() => approve(change(referral), program, 'marketer:m', t0)).toThrow('is not waiting for review');
    }
  });

  it('rejects a pending or flagged referral, giving back the held points', () => {
    for (const { attributed, judged } of [pendingReferral(noWelcome), flaggedReferral(noWelcome)]) {
      const rejected = checked(reject(change(judged.referral), { reason: 'looks like a ring', by: 'marketer:m' }, days(t0, 1)));
      expect(events(rejected)).toEqual(['ReferralRejected']);
      expect(rejected.history[0]).toMatchObject({ reason: 'looks like a ring', by: 'marketer:m', data: { reason: 'looks like a ring', by: 'marketer:m' } });
      expect(rejected.history[0]).not.toHaveProperty('rule');
      expect(rejected.history[0]?.data).not.toHaveProperty('rule');
      expect(rejected.referral.rejection).toEqual({ reason: 'looks like a ring', by: 'marketer:m', at: days(t0, 1) });
      expect(rejected.stats).toEqual({ [judged.referral.status]: -1, pendingRewardPoints: -500, rejected: 1 });
      expect(sumStats(attributed, judged, rejected)).toMatchObject({ pending: 0, pendingRewardPoints: 0, rejected: 1 });
      expect(sumStats(attributed, judged, rejected).flagged ?? 0).toBe(0);
      expect(dueAt(rejected.referral)).toBeUndefined();
    }
  });

  it('rejects an attributed referral without touching the held points', () => {
    const rejected = checked(reject(change(signedUp().referral), { reason: 'advocate_banned', by: 'marketer:m' }, t0));
    expect(rejected.stats).toEqual({ rejected: 1 });
  });

  it('refuses to reject a final referral', () => {
    const { judged } = pendingReferral();
    const finals = [
      qualifyAndReward(change(judged.referral), program, 'schedule', days(t0, 14)).referral,
      reject(change(judged.referral), { reason: 'x', by: 'm' }, t0).referral,
      expire(change(signedUp().referral), days(t0, 30)).referral,
    ];
    for (const referral of finals) expect(() => reject(change(referral), { reason: 'again', by: 'm' }, t0)).toThrow(`a ${referral.status} referral cannot be rejected`);
    // Also the states never stored on their own (qualified is followed by rewarded in the same change).
    expect(() => reject(change({ ...judged.referral, status: 'qualified' }), { reason: 'again', by: 'm' }, t0)).toThrow('cannot be rejected');
  });
});

describe('expiry and due times', () => {
  it('expires a signup attribution past its window', () => {
    const attributed = signedUp(noWelcome);
    const at = days(t0, 31);
    const expired = checked(expire(change(attributed.referral), at));
    expect(events(expired)).toEqual(['ReferralExpired']);
    expect(expired.history[0]).toMatchObject({ seq: 2, by: 'schedule', data: { windowEndedAt: days(t0, 30) } });
    expect(expired.referral).toMatchObject({ status: 'expired', updatedAt: at });
    expect(expired.stats).toEqual({ expired: 1 });
    expect(dueAt(expired.referral)).toBeUndefined();
  });

  it('expires nothing but attributed referrals with a window', () => {
    const { judged } = pendingReferral();
    const flagged = flaggedReferral().judged.referral;
    const purchase = attribute(attribution({ via: 'purchase' }), program, t0).referral;
    for (const referral of [judged.referral, flagged, purchase, reject(change(signedUp().referral), { reason: 'x', by: 'm' }, t0).referral]) {
      expect(() => expire(change(referral), days(t0, 400))).toThrow('does not expire');
    }
  });

  it('is due at the window end when attributed, at the hold end when pending, and never otherwise', () => {
    const { judged } = pendingReferral();
    const base = judged.referral;
    const expected: Record<ReferralStatus, string | undefined> = {
      attributed: signedUp().referral.windowEndsAt,
      pending: base.holdUntil,
      flagged: undefined,
      qualified: undefined,
      rewarded: undefined,
      rejected: undefined,
      expired: undefined,
    };
    const referralIn = (status: ReferralStatus): Referral => (status === 'attributed' ? signedUp().referral : { ...base, status });
    for (const [status, due] of Object.entries(expected) as [ReferralStatus, string | undefined][]) expect(dueAt(referralIn(status))).toBe(due);
  });
});

describe('history', () => {
  it('numbers every entry of a referral after the last, across changes', () => {
    const target = programOf({ refereeReward: { offer: { kind: 'points', points: 10 }, when: 'qualified' } });
    const attributed = signedUp(target);
    const judged = checked(firstPurchase(change(attributed.referral), factsOf(), FLAG, target, 'purchase-recorded', hours(t0, 1)));
    const approved = checked(approve(change(judged.referral), target, 'marketer:m', hours(t0, 2)));
    const rewarded = checked(qualifyAndReward(change(approved.referral), target, 'schedule', days(t0, 15)));
    const all: HistoryEntry[] = [attributed, judged, approved, rewarded].flatMap((planned) => planned.history);
    expect(all.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(all.map((entry) => entry.event)).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralFlagged', 'ReferralPending', 'ReferralQualified', 'ReferralRewarded', 'ReferralWelcomeOffered']);
    expect(rewarded.referral.historySeq).toBe(7);
  });

  it('leaves the referral it started from as it was', () => {
    const { judged } = pendingReferral();
    const before = structuredClone(judged.referral);
    const planned = change(judged.referral);
    qualifyAndReward(planned, program, 'schedule', days(t0, 14));
    expect(judged.referral).toEqual(before);
    expect(planned.before).toBe(judged.referral);
  });
});

// ---- the advocate's counters over any sequence of transitions

type Action = 'signup' | 'purchase' | 'firstPurchase' | 'approve' | 'qualify' | 'reject' | 'expire';
const FINAL: readonly ReferralStatus[] = ['rewarded', 'rejected', 'expired'];

class Advocate {
  referrals = new Map<string, Referral>();
  stats: Record<string, number> = { referred: 0, pending: 0, flagged: 0, qualified: 0, rewarded: 0, rejected: 0, expired: 0, pendingRewardPoints: 0 };
  reached = new Map<string, Set<ReferralStatus>>();
  endedIn = new Map<string, Set<ReferralStatus>>();
  welcomes = new Map<string, number>();

  apply(planned: ReferralChange): void {
    const id = planned.referral.referralId;
    expect(planned.before).toBe(this.referrals.get(id));
    checkChange(planned);
    for (const [key, value] of Object.entries(planned.stats)) this.stats[key] = (this.stats[key] ?? 0) + (value ?? 0);
    this.referrals.set(id, planned.referral);
    const reached = this.reached.get(id) ?? new Set();
    for (const entry of planned.history) reached.add(entry.status);
    this.reached.set(id, reached);
    this.endedIn.set(id, (this.endedIn.get(id) ?? new Set()).add(planned.referral.status));
    this.welcomes.set(id, (this.welcomes.get(id) ?? 0) + planned.history.filter((entry) => entry.event === 'ReferralWelcomeOffered').length);
    this.check();
  }

  check(): void {
    const all = [...this.referrals.values()];
    const held = all.filter((referral) => referral.status === 'pending' || referral.status === 'flagged');
    expect(this.stats.pending).toBe(all.filter((referral) => referral.status === 'pending').length);
    expect(this.stats.flagged).toBe(all.filter((referral) => referral.status === 'flagged').length);
    expect((this.stats.pending ?? 0) + (this.stats.flagged ?? 0)).toBe(held.length);
    expect(this.stats.pendingRewardPoints).toBe(held.reduce((sum, referral) => sum + (referral.heldPoints ?? 0), 0));
    expect(this.stats.referred).toBe(all.length);
    for (const status of ['qualified', 'rewarded', 'rejected', 'expired'] as const) {
      expect(this.stats[status]).toBe([...this.reached.values()].filter((statuses) => statuses.has(status)).length);
    }
    for (const referral of all) expect(referral.welcomeOffered).toBe((this.welcomes.get(referral.referralId) ?? 0) === 1);
    for (const count of this.welcomes.values()) expect(count).toBeLessThanOrEqual(1);
  }
}

describe("the advocate's counters", () => {
  const offerArbitrary = fc.oneof(fc.record({ kind: fc.constant('points' as const), points: fc.integer({ min: 1, max: 1000 }) }), fc.record({ kind: fc.constant('coupon' as const), rewardId: fc.constantFrom('tote', 'welcome-10') }));
  const programArbitrary = fc
    .record({
      holdDays: fc.integer({ min: 0, max: 20 }),
      attributionWindowDays: fc.integer({ min: 1, max: 30 }),
      advocateReward: offerArbitrary,
      refereeReward: fc.option(fc.record({ offer: offerArbitrary, when: fc.constantFrom('attribution' as const, 'first_purchase' as const, 'qualified' as const) }), { nil: undefined }),
    })
    .map((overrides) => programOf(overrides));
  const stepArbitrary = fc.record({
    action: fc.constantFrom<Action>('signup', 'purchase', 'firstPurchase', 'firstPurchase', 'approve', 'qualify', 'qualify', 'reject', 'expire'),
    target: fc.nat(20),
    advanceHours: fc.integer({ min: 0, max: 24 * 12 }),
    verdict: fc.constantFrom(PASS, FLAG, BELOW),
  });

  it('count what is pending or flagged now, hold the points of those, and count every final state reached', () => {
    fc.assert(
      fc.property(programArbitrary, fc.array(stepArbitrary, { maxLength: 40 }), (target, steps) => {
        const advocate = new Advocate();
        let now = t0;
        let created = 0;
        const attempt = (run: () => ReferralChange, legal: boolean) => {
          if (legal) advocate.apply(run());
          else expect(run).toThrow();
        };
        for (const step of steps) {
          now = hours(now, step.advanceHours);
          const ids = [...advocate.referrals.keys()];
          if (step.action === 'signup' || step.action === 'purchase' || ids.length === 0) {
            const id = `rf_${++created}`;
            const planned = attribute(attribution({ referralId: id, refereeCustomerId: `friend-${created}`, via: step.action === 'purchase' ? 'purchase' : 'signup' }), target, now);
            if (step.action === 'purchase') firstPurchase(planned, factsOf(), step.verdict, target, 'purchase-recorded', now);
            else offerAtAttribution(planned, target, 'storefront:shop', now);
            advocate.apply(planned);
            continue;
          }
          const referral = advocate.referrals.get(ids[step.target % ids.length] as string) as Referral;
          const planned = change(referral);
          const { status } = referral;
          if (step.action === 'firstPurchase') attempt(() => firstPurchase(planned, factsOf(), step.verdict, target, 'purchase-recorded', now), status === 'attributed');
          if (step.action === 'approve') attempt(() => approve(planned, target, 'marketer:m', now), status === 'flagged');
          if (step.action === 'qualify') attempt(() => qualifyAndReward(planned, target, 'schedule', now), status === 'pending' || status === 'flagged');
          if (step.action === 'reject') attempt(() => reject(planned, { reason: 'marketer said so', by: 'marketer:m' }, now), OPEN_STATUSES.includes(status));
          if (step.action === 'expire') attempt(() => expire(planned, now), status === 'attributed' && referral.windowEndsAt !== undefined);
        }
        // Settle everything: every referral ends final, nothing is counted pending, flagged or held.
        for (const referral of [...advocate.referrals.values()]) {
          if (referral.status === 'pending' || referral.status === 'flagged') advocate.apply(qualifyAndReward(change(referral), target, 'schedule', hours(now, 1)));
          else if (referral.status === 'attributed') advocate.apply(referral.windowEndsAt ? expire(change(referral), hours(now, 1)) : reject(change(referral), { reason: 'x', by: 'm' }, hours(now, 1)));
        }
        expect([...advocate.referrals.values()].every((referral) => FINAL.includes(referral.status))).toBe(true);
        expect(advocate.stats).toMatchObject({ pending: 0, flagged: 0, pendingRewardPoints: 0, referred: created });
        expect(advocate.stats.rewarded).toBe(advocate.stats.qualified);
        // The welcome offer: once for every rewarded referral of a program with one; never before its moment.
        for (const referral of advocate.referrals.values()) {
          const welcomes = advocate.welcomes.get(referral.referralId) ?? 0;
          const when = target.refereeReward?.when;
          if (when === undefined) expect(welcomes).toBe(0);
          // A purchase attribution rejected by its first purchase's rules was never a valid attribution: no offer.
          else if (when === 'attribution') expect(welcomes).toBe(referral.via === 'purchase' && referral.status === 'rejected' && !advocate.reached.get(referral.referralId)?.has('pending') ? 0 : 1);
          else if (referral.status === 'rewarded') expect(welcomes).toBe(1);
          else if (when === 'qualified') expect(welcomes).toBe(0);
          else expect(welcomes).toBe(advocate.endedIn.get(referral.referralId)?.has('pending') ? 1 : 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
