import { recordPurchase, refundPurchase } from '../../functions/purchases/domain/use-cases';
import { PurchasesRepository } from '../../functions/purchases/purchases.repository';
import { orderStanding, purchasedBefore } from '../../functions/purchases/purchases.reads.facade';
import { referralProgramInput } from '../../functions/referrals/domain/program';
import type { Referral } from '../../functions/referrals/domain/referral';
import type { PurchaseFacts } from '../../functions/referrals/domain/store';
import {
  attributeSignup,
  DUE_SHARDS,
  ensureReferralCode,
  followLink,
  onPurchase,
  onRefund,
  rotateCode,
  saveReferralProgram,
  settleDueReferrals,
  type PurchaseEvent,
} from '../../functions/referrals/domain/use-cases';
import { referralFromItem } from '../../functions/referrals/referrals.items';
import { ReferralsRepository } from '../../functions/referrals/referrals.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { OUTBOX_ATTRIBUTE } from '../../shared/events/outbox';
import { uniqueId } from '../support/api-event';
import { tableItems } from '../support/table-snapshot';

/**
 * The referrals service on DynamoDB Local, adversarially: the real ReferralsRepository on the referrals table, and
 * purchases read through the purchases service's real read facade (a PurchasesRepository on the purchases table, the
 * one the handlers wire in), with purchases and refunds written by the purchases domain's own use cases. Concurrent
 * callers each get their own repository, as separate Lambda containers would (own salt and program caches).
 *
 * Only this suite writes the referrals table, and the program is a singleton in it: it is saved once here. Each test
 * works in its own stretch of time (the use cases take `now`), so the settle schedule of one test never finds another
 * test's referrals due: the settle tests live in 2026, everything else in 2031.
 */
const TABLE = process.env.REFERRALS_TABLE_NAME as string;
const client = dynamoDocumentClient();
const purchases = new PurchasesRepository(client, process.env.PURCHASES_TABLE_NAME as string);
const facts: PurchaseFacts = { standing: orderStanding, purchasedBefore };
const container = () => new ReferralsRepository(client, TABLE);
const repo = container();
const STORE = uniqueId('shop');
const LANDING = 'https://shop.example.com/welcome';

const PROGRAM = referralProgramInput.parse({
  active: true,
  landingUrl: LANDING,
  attributionWindowDays: 30,
  holdDays: 14,
  minimumOrder: { amount: '20.00', currency: 'USD' },
  advocateReward: { kind: 'points', points: 500 },
  refereeReward: { offer: { kind: 'points', points: 200 }, when: 'first_purchase' },
  limits: { maxRewardsPerAdvocatePer30Days: 3 },
  rules: {
    selfReferral: { enabled: true },
    existingCustomer: { enabled: true },
    ipVelocity: { enabled: true, maxPerDay: 100 },
    advocateVelocity: { enabled: true, maxPerDay: 100 },
  },
  clicksPerIpPerHour: 3,
});

const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
const days = (iso: string, count: number) => plus(iso, count * 86_400);
const day = (iso: string) => iso.slice(0, 10);

type Item = Record<string, unknown>;
const keyOf = (item: Item) => `${String(item.pk)}|${String(item.sk)}`;

async function newAdvocate(name: string, now: string, email?: string): Promise<{ customerId: string; code: string }> {
  const customerId = uniqueId('adv');
  const result = await ensureReferralCode(container(), { customerId, name, email: email ?? `${customerId}@example.com` }, now);
  if (result.kind === 'banned') throw new Error('a new advocate is not banned');
  return { customerId, code: result.view.code };
}

/** Records the purchase in the purchases table (as the storefront's POST does) and answers its PurchaseRecorded data. */
async function buy(customerId: string, options: { occurredAt: string; code?: string; amountMinor?: number; email?: string; orderId?: string }): Promise<PurchaseEvent> {
  const recorded = await recordPurchase(
    purchases,
    {
      storeId: STORE,
      orderId: options.orderId ?? uniqueId('order'),
      customerId,
      amountMinor: options.amountMinor ?? 5000,
      currency: 'USD',
      items: [],
      occurredAt: options.occurredAt,
      ...(options.code !== undefined ? { referralCode: options.code } : {}),
      ...(options.email !== undefined ? { email: options.email } : {}),
    },
    new Date(options.occurredAt),
  );
  if (recorded.kind !== 'created') throw new Error(`the purchase was not recorded (${recorded.kind})`);
  const purchase = recorded.purchase;
  return {
    storeId: purchase.storeId,
    orderId: purchase.orderId,
    customerId: purchase.customerId,
    amountMinor: purchase.amountMinor,
    currency: purchase.currency,
    occurredAt: purchase.occurredAt,
    ...(purchase.email !== undefined ? { email: purchase.email } : {}),
    ...(purchase.referralCode !== undefined ? { referralCode: purchase.referralCode } : {}),
  };
}

/** Every referral (as stored) that names the customer, as referee or advocate. */
async function referralsNaming(customerId: string): Promise<Referral[]> {
  return (await tableItems(TABLE)).filter((item) => item.sk === 'REFERRAL' && (item.refereeCustomerId === customerId || item.advocateCustomerId === customerId)).map(referralFromItem);
}

async function onlyReferralOf(refereeCustomerId: string): Promise<Referral> {
  const found = (await referralsNaming(refereeCustomerId)).filter((referral) => referral.refereeCustomerId === refereeCustomerId);
  expect(found).toHaveLength(1);
  return found[0] as Referral;
}

async function events(referralId: string): Promise<string[]> {
  return (await repo.history(referralId)).map((entry) => entry.event);
}

async function historyItems(referralId: string): Promise<Item[]> {
  return (await tableItems(TABLE)).filter((item) => item.pk === `REFERRAL#${referralId}` && String(item.sk).startsWith('H#'));
}

/** Keys of the items added, changed or removed between two scans. */
function changedKeys(before: Item[], after: Item[]): string[] {
  const old = new Map(before.map((item) => [keyOf(item), JSON.stringify(item)]));
  const now = new Map(after.map((item) => [keyOf(item), JSON.stringify(item)]));
  const keys = new Set([...old.keys(), ...now.keys()]);
  return [...keys].filter((key) => old.get(key) !== now.get(key)).sort();
}

/**
 * Nothing half-written, over the whole table: every history entry belongs to a stored referral and the entries of a
 * referral are numbered 1..historySeq without a gap, each carrying its own event once; every referee claim points at
 * a referral of that referee.
 */
async function expectTableConsistent(): Promise<void> {
  const items = await tableItems(TABLE);
  const referrals = new Map(items.filter((item) => item.sk === 'REFERRAL').map((item) => [String(item.pk), referralFromItem(item)]));
  const seqs = new Map<string, number[]>();
  const eventIds = new Set<string>();
  for (const item of items.filter((candidate) => String(candidate.pk).startsWith('REFERRAL#') && String(candidate.sk).startsWith('H#'))) {
    expect(referrals.has(String(item.pk))).toBe(true);
    seqs.set(String(item.pk), [...(seqs.get(String(item.pk)) ?? []), Number(item.seq)]);
    const outbox = item[OUTBOX_ATTRIBUTE] as { eventId?: string } | undefined;
    if (outbox?.eventId) {
      expect(eventIds.has(outbox.eventId)).toBe(false);
      eventIds.add(outbox.eventId);
    }
  }
  for (const [pk, referral] of referrals) {
    expect((seqs.get(pk) ?? []).sort((a, b) => a - b)).toEqual(Array.from({ length: referral.historySeq }, (_, index) => index + 1));
  }
  for (const claim of items.filter((item) => item.sk === 'REFEREE')) {
    const referral = referrals.get(`REFERRAL#${String(claim.referralId)}`);
    expect(referral?.refereeCustomerId).toBe(String(claim.pk).slice('CUSTOMER#'.length));
  }
}

beforeAll(async () => {
  const saved = await saveReferralProgram(repo, PROGRAM, 'marketer:test', '2026-01-01T00:00:00.000Z');
  expect(saved.kind).toBe('saved');
});

describe('a referred purchase delivered five times at once', () => {
  it('makes one referral, one claim, each history entry (and event) once, and counts once', async () => {
    const t = '2031-03-01T10:00:00.000Z';
    const advocate = await newAdvocate('Anna', t);
    const friend = uniqueId('friend');
    const purchase = await buy(friend, { occurredAt: t, code: advocate.code.toLowerCase(), email: `${friend}@example.com` });

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => onPurchase(container(), facts, purchase, plus(t, 5))));
    expect([...outcomes].sort()).toEqual(['already-judged', 'already-judged', 'already-judged', 'already-judged', 'attributed']);

    const referral = await onlyReferralOf(friend);
    expect(referral).toMatchObject({
      status: 'pending',
      via: 'purchase',
      code: advocate.code,
      advocateCustomerId: advocate.customerId,
      order: { storeId: STORE, orderId: purchase.orderId, amountMinor: 5000, currency: 'USD' },
      holdUntil: days(plus(t, 5), 14),
      heldPoints: 500,
      welcomeOffered: true,
      flags: [],
    });
    expect(await repo.refereeClaim(friend)).toBe(referral.referralId);
    expect(await events(referral.referralId)).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralWelcomeOffered']);
    const outboxes = (await historyItems(referral.referralId)).map((item) => (item[OUTBOX_ATTRIBUTE] as { eventId: string; detailType: string }).detailType);
    expect(outboxes).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralWelcomeOffered']);
    expect(await repo.velocity(`ADVOCATE#${advocate.customerId}#${day(t)}`)).toBe(1);
    expect((await repo.getAdvocate(advocate.customerId))?.stats).toMatchObject({ referred: 1, pending: 1, pendingRewardPoints: 500, rejected: 0, flagged: 0 });

    // A sixth delivery, later, changes nothing at all.
    const before = await tableItems(TABLE);
    expect(await onPurchase(container(), facts, purchase, plus(t, 60))).toBe('already-judged');
    expect(changedKeys(before, await tableItems(TABLE))).toEqual([]);
    await expectTableConsistent();
  });
});

describe("two advocates' codes used at once by one new friend", () => {
  it('lets exactly one purchase attribute; the other is not-first and writes nothing', async () => {
    const t = '2031-04-01T10:00:00.000Z';
    const [first, second] = await Promise.all([newAdvocate('Bella', t), newAdvocate('Carla', t)]);
    const friends = Array.from({ length: 4 }, () => uniqueId('friend'));
    // Both orders occurred at the same instant: neither makes the friend an existing customer for the other.
    const orders = await Promise.all(friends.map(async (friend) => [await buy(friend, { occurredAt: t, code: first.code }), await buy(friend, { occurredAt: t, code: second.code })] as const));
    const before = await tableItems(TABLE);

    const outcomes = await Promise.all(orders.map(([a, b]) => Promise.all([onPurchase(container(), facts, a, plus(t, 5)), onPurchase(container(), facts, b, plus(t, 5))])));

    const winners = new Map<string, number>();
    for (const [index, friend] of friends.entries()) {
      expect([...(outcomes[index] as string[])].sort()).toEqual(['attributed', 'not-first']);
      const referral = await onlyReferralOf(friend);
      expect(referral.status).toBe('pending');
      expect(await repo.refereeClaim(friend)).toBe(referral.referralId);
      const won = (outcomes[index] as string[])[0] === 'attributed' ? first : second;
      expect(referral.advocateCustomerId).toBe(won.customerId);
      expect(referral.order?.orderId).toBe((orders[index] as readonly PurchaseEvent[])[won === first ? 0 : 1]?.orderId);
      winners.set(won.customerId, (winners.get(won.customerId) ?? 0) + 1);
    }

    // Written: each winning referral with its history, its claim, and the winning advocates' counters. Nothing else.
    const after = await tableItems(TABLE);
    const winningReferrals = after.filter((item) => item.sk === 'REFERRAL' && friends.includes(String(item.refereeCustomerId)));
    const expected = [
      ...winningReferrals.flatMap((item) => after.filter((candidate) => candidate.pk === item.pk).map(keyOf)),
      ...friends.map((friend) => `CUSTOMER#${friend}|REFEREE`),
      ...[...winners.keys()].flatMap((customerId) => [`CUSTOMER#${customerId}|ADVOCATE`, `VELOCITY#ADVOCATE#${customerId}#${day(t)}|COUNT`]),
    ].sort();
    expect(changedKeys(before, after)).toEqual(expected);
    for (const advocate of [first, second]) {
      const count = winners.get(advocate.customerId) ?? 0;
      expect(await repo.velocity(`ADVOCATE#${advocate.customerId}#${day(t)}`)).toBe(count);
      expect((await repo.getAdvocate(advocate.customerId))?.stats).toMatchObject({ referred: count, pending: count, pendingRewardPoints: 500 * count });
    }
    await expectTableConsistent();
  });

  it('lets exactly one signup attribute; the other is already-referred and writes nothing', async () => {
    const t = '2031-04-02T10:00:00.000Z';
    const [first, second] = await Promise.all([newAdvocate('Dora', t), newAdvocate('Emma', t)]);
    const friend = uniqueId('friend');
    const before = await tableItems(TABLE);
    const results = await Promise.all(
      [first, second].map((advocate) => attributeSignup(container(), facts, { code: advocate.code, refereeCustomerId: friend, ip: '203.0.113.9', by: 'storefront:shop' }, t)),
    );
    expect(results.map((result) => result.kind).sort()).toEqual(['already-referred', 'created']);
    const referral = await onlyReferralOf(friend);
    const winner = results[0]?.kind === 'created' ? first : second;
    expect(referral).toMatchObject({ status: 'attributed', via: 'signup', advocateCustomerId: winner.customerId, windowEndsAt: days(t, 30) });
    expect(await events(referral.referralId)).toEqual(['ReferralAttributed']);
    const after = await tableItems(TABLE);
    expect(changedKeys(before, after)).toEqual(
      [...after.filter((item) => item.pk === `REFERRAL#${referral.referralId}`).map(keyOf), `CUSTOMER#${friend}|REFEREE`, `CUSTOMER#${winner.customerId}|ADVOCATE`].sort(),
    );
    await expectTableConsistent();
  });

  it('gives the friend to the first VALID attribution: a concurrent self-referral never holds them', async () => {
    const t = '2031-04-03T10:00:00.000Z';
    const rounds = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const [self, honest] = await Promise.all([newAdvocate('Fiona', t, 'fiona.smith@gmail.com'), newAdvocate('Greta', t)]);
        const friend = uniqueId('friend');
        // The friend signs up with the advocate's own address (a Gmail alias of it) on one code, and honestly on another.
        const [selfResult, honestResult] = await Promise.all([
          attributeSignup(container(), facts, { code: self.code, refereeCustomerId: friend, refereeEmail: 'Fiona.Smith+deal@gmail.com', by: 'storefront:shop' }, t),
          attributeSignup(container(), facts, { code: honest.code, refereeCustomerId: friend, refereeEmail: `${friend}@example.com`, by: 'storefront:shop' }, t),
        ]);
        return { self, honest, friend, selfResult, honestResult };
      }),
    );
    for (const { self, honest, friend, selfResult, honestResult } of rounds) {
      expect(honestResult.kind).toBe('created');
      expect(['created', 'already-referred']).toContain(selfResult.kind);
      const claimed = await repo.getReferral((await repo.refereeClaim(friend)) as string);
      expect(claimed).toMatchObject({ advocateCustomerId: honest.customerId, status: 'attributed' });
      const all = (await referralsNaming(friend)).filter((referral) => referral.refereeCustomerId === friend);
      // The self-referral, if it committed first, is rejected and no longer claims the friend.
      for (const other of all.filter((referral) => referral.advocateCustomerId === self.customerId)) expect(other).toMatchObject({ status: 'rejected', rejection: { reason: 'self_referral' } });
      expect(all.filter((referral) => referral.status !== 'rejected')).toHaveLength(1);
    }
    await expectTableConsistent();
  });
});

describe('a signup and the first purchase of the same friend at once', () => {
  it('end as one pending referral with each history entry once, whichever commits first', async () => {
    const t = '2031-05-01T10:00:00.000Z';
    const advocate = await newAdvocate('Hanna', t);
    const friends = Array.from({ length: 6 }, (_, index) => ({ customerId: uniqueId('friend'), ip: `192.0.2.${index + 10}` }));
    // The friend signed up at t (the request is slow) and bought at t+1s; the purchase event is handled as the signup commits.
    const bought = await Promise.all(friends.map((friend) => buy(friend.customerId, { occurredAt: plus(t, 1), code: advocate.code, email: `${friend.customerId}@example.com` })));
    const results = await Promise.all(
      friends.map((friend, index) =>
        Promise.all([
          attributeSignup(container(), facts, { code: advocate.code, refereeCustomerId: friend.customerId, refereeEmail: `${friend.customerId}@example.com`, ip: friend.ip, userAgent: 'Mozilla/5.0', by: 'storefront:shop' }, t),
          onPurchase(container(), facts, bought[index] as PurchaseEvent, plus(t, 2)),
        ]),
      ),
    );
    const salt = await repo.hashSalt();
    expect(salt).toBeTruthy();
    for (const [index, friend] of friends.entries()) {
      const [signup, purchase] = results[index] as [Awaited<ReturnType<typeof attributeSignup>>, string];
      const referral = await onlyReferralOf(friend.customerId);
      expect(await repo.refereeClaim(friend.customerId)).toBe(referral.referralId);
      expect(referral).toMatchObject({ status: 'pending', advocateCustomerId: advocate.customerId, order: { orderId: bought[index]?.orderId }, welcomeOffered: true });
      expect(await events(referral.referralId)).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralWelcomeOffered']);
      if (referral.via === 'signup') {
        expect([signup.kind, purchase]).toEqual(['created', 'judged']);
        expect(referral.ipHash).toBeDefined();
        expect(await repo.velocity(`IP#${referral.ipHash}#${day(t)}`)).toBe(1);
      } else {
        expect([signup.kind, purchase]).toEqual(['existing', 'attributed']);
        if (signup.kind === 'existing') expect(signup.referral.referralId).toBe(referral.referralId);
      }
    }
    expect(await repo.velocity(`ADVOCATE#${advocate.customerId}#${day(t)}`)).toBe(friends.length);
    expect((await repo.getAdvocate(advocate.customerId))?.stats).toMatchObject({ referred: friends.length, pending: friends.length, pendingRewardPoints: 500 * friends.length });
    await expectTableConsistent();
  });
});

describe('a refund recorded before the PurchaseRecorded is handled', () => {
  it('rejects the first purchase as refunded (the facade reads the order as it stands), and the late refund event is unaffected', async () => {
    const t = '2031-06-01T10:00:00.000Z';
    const advocate = await newAdvocate('Ida', t);
    const friend = uniqueId('friend');
    const purchase = await buy(friend, { occurredAt: t, code: advocate.code });
    const refunded = await refundPurchase(purchases, { storeId: STORE, orderId: purchase.orderId, refundId: 'r-1', amount: '50.00' }, new Date(plus(t, 30)));
    expect(refunded.kind).toBe('created');
    expect(await orderStanding(STORE, purchase.orderId)).toMatchObject({ amountMinor: 5000, refundedMinor: 5000 });

    expect(await onPurchase(container(), facts, purchase, plus(t, 60))).toBe('attributed');
    const referral = await onlyReferralOf(friend);
    expect(referral).toMatchObject({ status: 'rejected', rejection: { reason: 'refunded', rule: 'refund' }, heldPoints: 0, welcomeOffered: false });
    expect(await events(referral.referralId)).toEqual(['ReferralAttributed', 'ReferralRejected']);
    expect(await repo.velocity(`ADVOCATE#${advocate.customerId}#${day(t)}`)).toBe(0);
    expect((await repo.getAdvocate(advocate.customerId))?.stats).toMatchObject({ referred: 1, pending: 0, rejected: 1, pendingRewardPoints: 0 });

    // The PurchaseRefunded event arrives afterwards: the referral is already final.
    expect(await onRefund(container(), { storeId: STORE, orderId: purchase.orderId, customerId: friend, purchaseAmountMinor: 5000, refundedTotalMinor: 5000, fullyRefunded: true }, plus(t, 90))).toBe('unaffected');
    expect(await events(referral.referralId)).toEqual(['ReferralAttributed', 'ReferralRejected']);
    // Redelivered, the purchase event is the judged one.
    expect(await onPurchase(container(), facts, purchase, plus(t, 120))).toBe('already-judged');
    await expectTableConsistent();
  });

  it('rejects a first purchase that an earlier partial refund took below the minimum order', async () => {
    const t = '2031-06-02T10:00:00.000Z';
    const advocate = await newAdvocate('Jana', t);
    const friend = uniqueId('friend');
    const purchase = await buy(friend, { occurredAt: t, code: advocate.code });
    expect((await refundPurchase(purchases, { storeId: STORE, orderId: purchase.orderId, refundId: 'r-1', amount: '40.00' }, new Date(plus(t, 30)))).kind).toBe('created');
    expect(await onPurchase(container(), facts, purchase, plus(t, 60))).toBe('attributed');
    expect(await onlyReferralOf(friend)).toMatchObject({ status: 'rejected', rejection: { reason: 'below_minimum', rule: 'minimumOrder' } });
  });

  it('rejects a first purchase whose refund was held before the purchase existed', async () => {
    const t = '2031-06-03T10:00:00.000Z';
    const advocate = await newAdvocate('Kira', t);
    const friend = uniqueId('friend');
    const orderId = uniqueId('order');
    expect((await refundPurchase(purchases, { storeId: STORE, orderId, refundId: 'cancel', amount: {}, reason: 'cancelled' }, new Date(t))).kind).toBe('held');
    const purchase = await buy(friend, { orderId, occurredAt: plus(t, 10), code: advocate.code });
    expect(await orderStanding(STORE, orderId)).toMatchObject({ refundedMinor: 5000 });
    expect(await onPurchase(container(), facts, purchase, plus(t, 60))).toBe('attributed');
    expect(await onlyReferralOf(friend)).toMatchObject({ status: 'rejected', rejection: { reason: 'refunded' } });
  });

  it("rejects a signed-up friend's first purchase the same way", async () => {
    const t = '2031-06-04T10:00:00.000Z';
    const advocate = await newAdvocate('Lena', t);
    const friend = uniqueId('friend');
    expect((await attributeSignup(container(), facts, { code: advocate.code, refereeCustomerId: friend, by: 'storefront:shop' }, t)).kind).toBe('created');
    const purchase = await buy(friend, { occurredAt: plus(t, 60) });
    expect((await refundPurchase(purchases, { storeId: STORE, orderId: purchase.orderId, refundId: 'r-1', amount: '50.00' }, new Date(plus(t, 90)))).kind).toBe('created');
    expect(await onPurchase(container(), facts, purchase, plus(t, 120))).toBe('judged');
    expect(await onlyReferralOf(friend)).toMatchObject({ status: 'rejected', via: 'signup', rejection: { reason: 'refunded' } });
    await expectTableConsistent();
  });
});

describe('a refund during the hold (its event arriving after the referral became pending)', () => {
  it('rejects on a partial refund that leaves less than the minimum order, and not on one that leaves enough', async () => {
    const t = '2031-06-10T10:00:00.000Z';
    const advocate = await newAdvocate('Kira', t);
    const [below, above] = [uniqueId('friend'), uniqueId('friend')];
    const purchases_ = await Promise.all([buy(below, { occurredAt: t, code: advocate.code }), buy(above, { occurredAt: t, code: advocate.code })]);
    for (const purchase of purchases_) expect(await onPurchase(container(), facts, purchase, plus(t, 10))).toBe('attributed');
    // 50.00 orders, 20.00 minimum: a 35.00 refund leaves 15.00 (below), a 20.00 refund leaves 30.00 (enough).
    const refund = (customerId: string, orderId: string, refundedTotalMinor: number) =>
      onRefund(container(), { storeId: STORE, orderId, customerId, purchaseAmountMinor: 5000, refundedTotalMinor, fullyRefunded: false }, plus(t, 60));
    expect(await refund(below, purchases_[0]?.orderId as string, 3500)).toBe('rejected');
    expect(await refund(above, purchases_[1]?.orderId as string, 2000)).toBe('unaffected');
    expect(await onlyReferralOf(below)).toMatchObject({ status: 'rejected', rejection: { reason: 'refunded', rule: 'refund' } });
    expect(await onlyReferralOf(above)).toMatchObject({ status: 'pending' });
    // A refund of another order of the friend's is not the qualifying purchase's.
    expect(await refund(above, uniqueId('order'), 5000)).toBe('not-referred');
    expect((await repo.getAdvocate(advocate.customerId))?.stats).toMatchObject({ referred: 2, pending: 1, rejected: 1, pendingRewardPoints: 500 });
    await expectTableConsistent();
  });
});

describe('a friend who was already a customer', () => {
  it('is rejected as existing_customer, by purchase and by signup alike', async () => {
    const t = '2031-06-12T10:00:00.000Z';
    const advocate = await newAdvocate('Lena', t);
    const [byPurchase, bySignup] = [uniqueId('friend'), uniqueId('friend')];
    await buy(byPurchase, { occurredAt: days(t, -40) });
    await buy(bySignup, { occurredAt: days(t, -40) });
    const purchase = await buy(byPurchase, { occurredAt: t, code: advocate.code });
    expect(await onPurchase(container(), facts, purchase, plus(t, 10))).toBe('attributed');
    expect(await onlyReferralOf(byPurchase)).toMatchObject({ status: 'rejected', rejection: { reason: 'existing_customer', rule: 'existingCustomer' } });
    const signup = await attributeSignup(container(), facts, { code: advocate.code, refereeCustomerId: bySignup, by: 'storefront:shop' }, plus(t, 20));
    expect(signup).toMatchObject({ kind: 'created', referral: { status: 'rejected', rejection: { reason: 'existing_customer' } } });
    await expectTableConsistent();
  });
});

describe('the settle schedule, twice at once', () => {
  async function pendingReferrals(advocates: { customerId: string; code: string }[], perAdvocate: number, t: string): Promise<Referral[]> {
    const created = await Promise.all(
      advocates.flatMap((advocate) =>
        Array.from({ length: perAdvocate }, async () => {
          const friend = uniqueId('friend');
          const purchase = await buy(friend, { occurredAt: t, code: advocate.code });
          expect(await onPurchase(container(), facts, purchase, t)).toBe('attributed');
          return onlyReferralOf(friend);
        }),
      ),
    );
    for (const referral of created) expect(referral).toMatchObject({ status: 'pending', holdUntil: days(t, 14) });
    return created;
  }

  async function dueIds(now: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let shard = 0; shard < DUE_SHARDS; shard++) for (const item of (await repo.dueReferrals(shard, now, 1000)).items) ids.add(item.referralId);
    return ids;
  }

  it('rewards each of 20 pending referrals past their hold exactly once', async () => {
    const t = '2026-02-01T10:00:00.000Z';
    const advocates = await Promise.all(Array.from({ length: 10 }, () => newAdvocate('Mia', t)));
    const referrals = await pendingReferrals(advocates, 2, t);
    const settleAt = days(t, 15);
    expect([...(await dueIds(settleAt))].sort()).toEqual(referrals.map((referral) => referral.referralId).sort());

    const reports = await Promise.all([settleDueReferrals(container(), facts, settleAt), settleDueReferrals(container(), facts, settleAt)]);
    expect(reports.reduce((sum, report) => sum + report.changed, 0)).toBe(20);
    for (const referral of referrals) {
      expect(await repo.getReferral(referral.referralId)).toMatchObject({ status: 'rewarded', rewardedAt: settleAt });
      const history = await events(referral.referralId);
      expect(history).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralWelcomeOffered', 'ReferralQualified', 'ReferralRewarded']);
    }
    for (const advocate of advocates) {
      const stored = await repo.getAdvocate(advocate.customerId);
      expect(stored?.stats).toMatchObject({ referred: 2, pending: 0, qualified: 2, rewarded: 2, rejected: 0, pendingRewardPoints: 0 });
      expect(stored?.recentRewards).toEqual([settleAt, settleAt]);
    }
    expect(await dueIds(settleAt)).toEqual(new Set());
    // A third run finds nothing to do.
    expect((await settleDueReferrals(container(), facts, settleAt)).changed).toBe(0);
    await expectTableConsistent();
  });

  it('rewards an advocate at most limits.maxRewardsPerAdvocatePer30Days times (3 of 5 due), rejecting the rest as reward_limit', async () => {
    const t = '2026-06-01T10:00:00.000Z';
    const advocate = await newAdvocate('Nora', t);
    const referrals = await pendingReferrals([advocate], 5, t);
    const settleAt = days(t, 15);

    const reports = await Promise.all([settleDueReferrals(container(), facts, settleAt), settleDueReferrals(container(), facts, settleAt)]);
    expect(reports.reduce((sum, report) => sum + report.changed, 0)).toBe(5);
    const settled = await Promise.all(referrals.map(async (referral) => (await repo.getReferral(referral.referralId)) as Referral));
    expect(settled.filter((referral) => referral.status === 'rewarded')).toHaveLength(3);
    const rejected = settled.filter((referral) => referral.status === 'rejected');
    expect(rejected).toHaveLength(2);
    for (const referral of rejected) expect(referral.rejection).toMatchObject({ reason: 'reward_limit', rule: 'advocateRewardLimit' });
    for (const referral of settled) {
      const history = await events(referral.referralId);
      expect(history.filter((event) => event === 'ReferralRewarded')).toHaveLength(referral.status === 'rewarded' ? 1 : 0);
      expect(history.filter((event) => event === 'ReferralRejected')).toHaveLength(referral.status === 'rejected' ? 1 : 0);
    }
    const stored = await repo.getAdvocate(advocate.customerId);
    expect(stored?.stats).toMatchObject({ referred: 5, pending: 0, rewarded: 3, rejected: 2, pendingRewardPoints: 0 });
    expect(stored?.recentRewards).toHaveLength(3);
    await expectTableConsistent();
  });
});

describe('codes and share links', () => {
  it('answers five concurrent code requests for one customer with one code', async () => {
    const t = '2031-07-01T10:00:00.000Z';
    const customerId = uniqueId('adv');
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureReferralCode(container(), { customerId, name: 'Olga', email: 'olga@example.com' }, t)));
    const codes = results.map((result) => (result.kind === 'banned' ? undefined : result.view.code));
    expect(new Set(codes).size).toBe(1);
    expect(codes[0]).toMatch(/^OLGA-[2-9A-HJKMNP-Z]{4}$/);
    expect(results.map((result) => result.kind).sort()).toEqual(['created', 'existing', 'existing', 'existing', 'existing']);
    const items = await tableItems(TABLE);
    expect(items.filter((item) => item.sk === 'CODE' && item.customerId === customerId).map((item) => item.code)).toEqual([codes[0]]);
    expect(await repo.getAdvocate(customerId)).toMatchObject({ activeCode: codes[0], emailHashes: [expect.any(String)] });
  });

  it('stops counting clicks at clicksPerIpPerHour, and still redirects with ?ref', async () => {
    const t = '2031-07-02T10:00:00.000Z';
    const advocate = await newAdvocate('Paula', t);
    const follow = (ip: string, now: string) => followLink(container(), { code: advocate.code.toLowerCase(), ip }, now);
    const location = `${LANDING}?ref=${advocate.code}`;

    const sequential = [];
    for (let click = 0; click < 5; click++) sequential.push(await follow('198.51.100.7', plus(t, click)));
    expect(sequential).toEqual([...Array(3).fill({ kind: 'redirect', location, counted: true }), ...Array(2).fill({ kind: 'redirect', location, counted: false })]);
    expect((await repo.getAdvocate(advocate.customerId))?.stats.clicks).toBe(3);
    // Another network counts on its own; the next hour counts again.
    expect(await follow('198.51.100.8', plus(t, 10))).toEqual({ kind: 'redirect', location, counted: true });
    expect(await follow('198.51.100.7', plus(t, 3600))).toEqual({ kind: 'redirect', location, counted: true });
    expect((await repo.getAdvocate(advocate.customerId))?.stats.clicks).toBe(5);

    // Eight clicks at once from a fresh network: exactly the limit is counted, every one redirects.
    const burst = await Promise.all(Array.from({ length: 8 }, () => follow('198.51.100.9', plus(t, 20))));
    expect(burst.every((result) => result.kind === 'redirect' && result.location === location)).toBe(true);
    expect(burst.filter((result) => result.kind === 'redirect' && result.counted)).toHaveLength(3);
    expect((await repo.getAdvocate(advocate.customerId))?.stats.clicks).toBe(8);

    // An unknown code still redirects, to the landing page without ?ref, counting nothing.
    expect(await followLink(container(), { code: 'NOPE-2222', ip: '198.51.100.7' }, t)).toEqual({ kind: 'redirect', location: LANDING, counted: false });
  });
});

describe('erasing a customer', () => {
  async function confirmations(requestId: string): Promise<Item[]> {
    return (await tableItems(TABLE)).filter((item) => item.pk === `ERASURE#${requestId}`);
  }

  const stripped = (referral: Referral) => ({ referralId: referral.referralId, status: referral.status, advocateCustomerId: referral.advocateCustomerId, refereeCustomerId: referral.refereeCustomerId, historySeq: referral.historySeq, order: referral.order });

  it('of a referee and then of an advocate removes codes, hashes and event data, keeps ids, statuses and counters, and confirms once', async () => {
    const t = '2031-08-01T10:00:00.000Z';
    const advocate = await newAdvocate('Rosa', t, 'rosa@example.com');
    const signedUp = uniqueId('friend');
    const bought = uniqueId('friend');
    expect((await attributeSignup(container(), facts, { code: advocate.code, refereeCustomerId: signedUp, refereeEmail: `${signedUp}@example.com`, ip: '203.0.113.50', userAgent: `Mozilla/5.0 (${signedUp})`, by: 'storefront:shop' }, t)).kind).toBe('created');
    expect(await onPurchase(container(), facts, await buy(signedUp, { occurredAt: plus(t, 60), email: `${signedUp}@example.com` }), plus(t, 60))).toBe('judged');
    expect(await onPurchase(container(), facts, await buy(bought, { occurredAt: plus(t, 60), code: advocate.code, email: `${bought}@example.com` }), plus(t, 60))).toBe('attributed');
    const [ofSignedUp, ofBought] = [await onlyReferralOf(signedUp), await onlyReferralOf(bought)];
    expect(ofSignedUp).toMatchObject({ status: 'pending', refereeEmailHash: expect.any(String), ipHash: expect.any(String), agentHash: expect.any(String) });
    const hashes = [ofSignedUp.refereeEmailHash, ofSignedUp.ipHash, ofSignedUp.agentHash] as string[];
    const advocateBefore = await repo.getAdvocate(advocate.customerId);

    // The referee: their hashes and the event data of their referral go; the referral and its numbers stay.
    const referee = uniqueId('erase');
    const erasedReferee = await repo.eraseCustomer(referee, signedUp, plus(t, 120));
    await Promise.all([repo.eraseCustomer(referee, signedUp, plus(t, 130)), container().eraseCustomer(referee, signedUp, plus(t, 140))]);
    const afterReferee = await repo.getReferral(ofSignedUp.referralId);
    expect(afterReferee && stripped(afterReferee)).toEqual(stripped(ofSignedUp));
    expect(afterReferee?.refereeEmailHash).toBeUndefined();
    expect(afterReferee?.ipHash).toBeUndefined();
    expect(afterReferee?.agentHash).toBeUndefined();
    expect(afterReferee?.code).toBe(advocate.code);
    for (const item of await historyItems(ofSignedUp.referralId)) {
      expect(item.data).toEqual({});
      expect(item[OUTBOX_ATTRIBUTE]).toBeUndefined();
    }
    expect(await events(ofSignedUp.referralId)).toEqual(['ReferralAttributed', 'ReferralPending', 'ReferralWelcomeOffered']);
    expect(await repo.refereeClaim(signedUp)).toBe(ofSignedUp.referralId);
    const tableAfterReferee = await tableItems(TABLE);
    // The hashes appear nowhere but in the (expiring, anonymous) velocity and click counters' keys.
    const holders = tableAfterReferee.filter((item) => !/^(VELOCITY|CLICKS)#/.test(String(item.pk)) && hashes.some((hash) => JSON.stringify(item).includes(hash)));
    expect(holders.map(keyOf)).toEqual([]);
    // The other referral is not this customer's: untouched.
    expect((await historyItems(ofBought.referralId)).every((item) => item[OUTBOX_ATTRIBUTE] !== undefined)).toBe(true);
    const refereeConfirmations = await confirmations(referee);
    expect(refereeConfirmations).toHaveLength(1);
    expect(refereeConfirmations[0]).toMatchObject({ sk: 'referrals', customerId: signedUp, [OUTBOX_ATTRIBUTE]: { eventId: `CustomerErased:${referee}:referrals`, detail: { data: { itemsErased: erasedReferee } } } });

    // The advocate: their code goes (everywhere it is spelled), their email hashes go; statuses and counters stay.
    const request = uniqueId('erase');
    const erasedAdvocate = await repo.eraseCustomer(request, advocate.customerId, plus(t, 200));
    await Promise.all([repo.eraseCustomer(request, advocate.customerId, plus(t, 210)), container().eraseCustomer(request, advocate.customerId, plus(t, 220))]);
    expect(await repo.getCode(advocate.code)).toBeUndefined();
    const advocateAfter = await repo.getAdvocate(advocate.customerId);
    expect(advocateAfter).toMatchObject({ emailHashes: [], stats: advocateBefore?.stats, recentRewards: advocateBefore?.recentRewards });
    expect(advocateAfter?.activeCode).toBeUndefined();
    for (const before of [ofSignedUp, ofBought]) {
      const after = (await repo.getReferral(before.referralId)) as Referral;
      expect(stripped(after)).toEqual(stripped(before));
      expect(after.code).toBe('[erased]');
      for (const item of await historyItems(before.referralId)) {
        expect(item.data).toEqual({});
        expect(item[OUTBOX_ATTRIBUTE]).toBeUndefined();
      }
    }
    const spelled = (await tableItems(TABLE)).filter((item) => JSON.stringify(item).includes(advocate.code));
    expect(spelled.map(keyOf)).toEqual([]);
    const advocateConfirmations = await confirmations(request);
    expect(advocateConfirmations).toHaveLength(1);
    expect(advocateConfirmations[0]).toMatchObject({ customerId: advocate.customerId, [OUTBOX_ATTRIBUTE]: { eventId: `CustomerErased:${request}:referrals`, detail: { data: { itemsErased: erasedAdvocate } } } });
    // The erased code no longer resolves: its link goes to the landing page, counting nothing.
    expect(await followLink(container(), { code: advocate.code, ip: '203.0.113.51' }, plus(t, 300))).toEqual({ kind: 'redirect', location: LANDING, counted: false });
    await expectTableConsistent();
  });

  // Found by this suite: erasure once found an advocate's codes only through their referrals and active code, so a
  // rotated (or blocked) code no referral used survived with its customerId. The advocate now lists every code it had.
  it('of an advocate deletes the codes they no longer use (a rotated code spells their name too)', async () => {
    const t = '2031-08-02T10:00:00.000Z';
    const advocate = await newAdvocate('Sara', t);
    const rotated = await rotateCode(container(), { code: advocate.code, by: 'marketer:test' }, plus(t, 10));
    if (rotated.kind !== 'rotated') throw new Error(`not rotated: ${rotated.kind}`);
    expect(await repo.getCode(advocate.code)).toMatchObject({ status: 'rotated', customerId: advocate.customerId });
    await repo.eraseCustomer(uniqueId('erase'), advocate.customerId, plus(t, 60));
    expect(await repo.getCode(rotated.view.code)).toBeUndefined();
    expect(await repo.getCode(advocate.code)).toBeUndefined();
  });

  // Found by this suite: erasure (and export) once followed only the referee's current claim, so a referral rejected at
  // attribution whose claim a later one replaced kept the referee's hashes and events. The claim now lists what it replaced.
  it('of a referee erases every referral that named them, also one whose claim a later attribution replaced', async () => {
    const t = '2031-08-03T10:00:00.000Z';
    const [self, honest] = await Promise.all([newAdvocate('Tina', t, 'tina@example.com'), newAdvocate('Ulla', t)]);
    const friend = uniqueId('friend');
    // A self-referral signup (rejected at attribution, with the friend's hashes), then a valid one that takes the claim.
    expect((await attributeSignup(container(), facts, { code: self.code, refereeCustomerId: friend, refereeEmail: 'tina@example.com', ip: '203.0.113.60', userAgent: 'UA', by: 'storefront:shop' }, t)).kind).toBe('created');
    expect((await attributeSignup(container(), facts, { code: honest.code, refereeCustomerId: friend, refereeEmail: `${friend}@example.com`, by: 'storefront:shop' }, plus(t, 10))).kind).toBe('created');
    const named = (await referralsNaming(friend)).filter((referral) => referral.refereeCustomerId === friend);
    expect(named.map((referral) => referral.status).sort()).toEqual(['attributed', 'rejected']);
    await repo.eraseCustomer(uniqueId('erase'), friend, plus(t, 60));
    for (const referral of named) {
      const after = (await repo.getReferral(referral.referralId)) as Referral;
      expect([after.refereeEmailHash, after.ipHash, after.agentHash]).toEqual([undefined, undefined, undefined]);
      for (const item of await historyItems(referral.referralId)) expect(item.data).toEqual({});
    }
  });
});

describe('the attribution window', () => {
  // In its own year (2035): the settle run here finds every referral due by then, so it runs last.
  it('expires a signup whose friend buys too late or never, and then lets another code attribute the friend', async () => {
    const t = '2035-01-10T10:00:00.000Z';
    const [first, second] = await Promise.all([newAdvocate('Vera', t), newAdvocate('Walt', t)]);
    const late = uniqueId('late');
    const never = uniqueId('never');
    for (const friend of [late, never]) expect((await attributeSignup(container(), facts, { code: first.code, refereeCustomerId: friend, by: 'storefront:shop' }, t)).kind).toBe('created');

    // A first purchase after the window: the referral expires instead of qualifying.
    const purchase = await buy(late, { occurredAt: days(t, 31) });
    expect(await onPurchase(container(), facts, purchase, days(t, 31))).toBe('expired');
    expect(await onlyReferralOf(late)).toMatchObject({ status: 'expired' });

    // No purchase at all: the settle schedule expires it once its window has passed, and only then.
    await settleDueReferrals(container(), facts, days(t, 29));
    expect(await onlyReferralOf(never)).toMatchObject({ status: 'attributed' });
    const settled = await settleDueReferrals(container(), facts, days(t, 31));
    expect(settled.changed).toBeGreaterThanOrEqual(1);
    expect(await onlyReferralOf(never)).toMatchObject({ status: 'expired' });
    expect(await events((await onlyReferralOf(never)).referralId)).toEqual(['ReferralAttributed', 'ReferralExpired']);

    // An expired attribution no longer holds the friend: another advocate's code may attribute them now.
    const again = await attributeSignup(container(), facts, { code: second.code, refereeCustomerId: never, by: 'storefront:shop' }, days(t, 32));
    expect(again).toMatchObject({ kind: 'created', referral: { advocateCustomerId: second.customerId, status: 'attributed' } });
    expect((await referralsNaming(never)).map((referral) => referral.status).sort()).toEqual(['attributed', 'expired']);
    await expectTableConsistent();
  });
});
