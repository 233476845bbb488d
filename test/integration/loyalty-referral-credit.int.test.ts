import type { EventEnvelope } from '../../events/contract';
import { ReferralRewarded, ReferralWelcomeOffered } from '../../events/referrals';
import { OUTBOX_ATTRIBUTE, type OutboxRecord } from '../../shared/events/outbox';
import type { Reward } from '../../functions/loyalty/domain/records';
import { cancelRedemption, creditReferral, type ReferralCredit } from '../../functions/loyalty/domain/use-cases';
import { handler as referralEvents } from '../../functions/loyalty/referral-events.handler';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext, uniqueId } from '../support/api-event';

/**
 * Referral credits on DynamoDB Local: ReferralRewarded (the advocate) and ReferralWelcomeOffered (the referee) credit
 * points or issue a coupon exactly once per referral and role, under concurrent and repeated delivery. The program is
 * shared with the other integration suites, so nothing here changes it or depends on its expiry.
 */
const TABLE = process.env.LOYALTY_TABLE_NAME as string;
const client = dynamoDocumentClient();
const repository = new LoyaltyRepository(client, TABLE);
const t0 = '2026-01-01T00:00:00.000Z';

async function ledgerOf(customerId: string) {
  const entries = [];
  let cursor: string | undefined;
  do {
    const page = await repository.ledger(customerId, 100, cursor);
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

async function expectLedgerExplainsBalance(customerId: string): Promise<void> {
  const account = await repository.getAccount(customerId);
  const sum = (await ledgerOf(customerId)).reduce((total, entry) => total + entry.availableDelta + entry.pendingDelta, 0);
  expect(account.available + account.pending).toBe(sum);
  expect(account.available).toBe(account.releasedTotal - account.fifoConsumed);
}

async function lotsOf(customerId: string) {
  return (await repository.lotsAndSpend(customerId)).lots;
}

async function outboxOf(customerId: string, seq: number): Promise<OutboxRecord | undefined> {
  const result = await client.send(new GetCommand({ TableName: TABLE, Key: { pk: `CUST#${customerId}`, sk: `LEDGER#${String(seq).padStart(10, '0')}` } }));
  return result.Item?.[OUTBOX_ATTRIBUTE] as OutboxRecord | undefined;
}

async function redemptionsOf(customerId: string) {
  const result = await client.send(
    new QueryCommand({ TableName: TABLE, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `CUST#${customerId}` } }),
  );
  return result.Items ?? [];
}

async function createReward(patch: Partial<Reward> = {}): Promise<Reward> {
  const reward: Reward = {
    rewardId: uniqueId('reward'),
    name: 'Free shipping',
    costPoints: 250,
    type: { kind: 'free_shipping' },
    active: true,
    createdAt: t0,
    updatedAt: t0,
    updatedBy: 'test',
    ...patch,
  };
  await repository.putReward(reward, true);
  return reward;
}

const points = (referralId: string, role: ReferralCredit['role'], customerId: string, amount: number): ReferralCredit => ({ referralId, role, customerId, offer: { kind: 'points', points: amount } });
const coupon = (referralId: string, role: ReferralCredit['role'], customerId: string, rewardId: string): ReferralCredit => ({ referralId, role, customerId, offer: { kind: 'coupon', rewardId } });

describe('referral points', () => {
  it('are credited once as available points, with a referral entry naming the referral and a PointsAdjusted', async () => {
    const advocate = uniqueId('adv');
    const referralId = uniqueId('rf');
    const first = await creditReferral(repository, points(referralId, 'advocate', advocate, 500), t0);
    expect(first).toMatchObject({ kind: 'credited', points: 500, balance: { available: 500, pending: 0 } });
    expect(await creditReferral(repository, points(referralId, 'advocate', advocate, 500), t0)).toEqual({ kind: 'already-credited' });

    expect(await repository.getAccount(advocate)).toMatchObject({ available: 500, pending: 0, lifetimeEarned: 500 });
    const entries = await ledgerOf(advocate);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      type: 'referral',
      points: 500,
      availableDelta: 500,
      reason: "Referral reward: a friend's first purchase qualified",
      source: { kind: 'referral', id: referralId },
      by: `referral:${referralId}`,
    });
    const lots = await lotsOf(advocate);
    expect(lots).toHaveLength(1);
    expect(lots[0]).toMatchObject({ lotId: `referral:${referralId}:advocate`, status: 'available', points: 500, start: 0, end: 500, source: { kind: 'referral', id: referralId } });
    expect(lots[0]?.expiresAt).toBeDefined();
    const outbox = await outboxOf(advocate, 1);
    expect(outbox).toMatchObject({ detailType: 'PointsAdjusted', detail: { data: { adjustmentId: `referral:${referralId}:advocate`, points: 500, reason: 'referral', by: `referral:${referralId}` } } });
    await expectLedgerExplainsBalance(advocate);
  });

  it('are credited once when the same event is delivered 5 times concurrently: one entry, one lot', async () => {
    const referee = uniqueId('ref');
    const referralId = uniqueId('rf');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => creditReferral(repository, points(referralId, 'referee', referee, 200), t0)));
    expect(outcomes.filter((outcome) => outcome.kind === 'credited')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'already-credited')).toHaveLength(4);
    expect(await repository.getAccount(referee)).toMatchObject({ available: 200, lifetimeEarned: 200 });
    expect(await ledgerOf(referee)).toMatchObject([{ type: 'referral', points: 200, reason: 'Welcome offer: joined through a referral' }]);
    expect(await lotsOf(referee)).toMatchObject([{ lotId: `referral:${referralId}:referee`, points: 200 }]);
    await expectLedgerExplainsBalance(referee);
  });

  it('credit the advocate and the referee of one referral independently, even for one customer and at once', async () => {
    const advocate = uniqueId('adv');
    const referee = uniqueId('ref');
    const referralId = uniqueId('rf');
    const outcomes = await Promise.all([
      ...Array.from({ length: 3 }, () => creditReferral(repository, points(referralId, 'advocate', advocate, 500), t0)),
      ...Array.from({ length: 3 }, () => creditReferral(repository, points(referralId, 'referee', referee, 200), t0)),
    ]);
    expect(outcomes.filter((outcome) => outcome.kind === 'credited')).toHaveLength(2);
    expect((await repository.getAccount(advocate)).available).toBe(500);
    expect((await repository.getAccount(referee)).available).toBe(200);

    // Both roles keyed on one customer (say, a referral the program let a customer be on both sides of) stay apart.
    const both = uniqueId('both');
    const other = uniqueId('rf');
    await Promise.all([creditReferral(repository, points(other, 'advocate', both, 30), t0), creditReferral(repository, points(other, 'referee', both, 7), t0)]);
    expect((await repository.getAccount(both)).available).toBe(37);
    expect((await lotsOf(both)).map((lot) => lot.lotId).sort()).toEqual([`referral:${other}:advocate`, `referral:${other}:referee`]);
    expect(await creditReferral(repository, points(other, 'referee', both, 7), t0)).toEqual({ kind: 'already-credited' });
    await expectLedgerExplainsBalance(both);
  });
});

describe('referral coupons', () => {
  it('issue exactly one 0-point redemption under 5 concurrent deliveries, taking one unit of stock', async () => {
    const referee = uniqueId('ref');
    const referralId = uniqueId('rf');
    const reward = await createReward({ stock: 3 });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => creditReferral(repository, coupon(referralId, 'referee', referee, reward.rewardId), t0)));
    const issued = outcomes.filter((outcome) => outcome.kind === 'issued');
    expect(issued).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'already-credited')).toHaveLength(4);
    if (issued[0]?.kind !== 'issued') throw new Error('unreachable');
    const redemption = issued[0].redemption;
    expect(redemption).toMatchObject({ customerId: referee, rewardId: reward.rewardId, pointsSpent: 0, status: 'active', requestedBy: `referral:${referralId}` });
    expect(redemption.couponCode).toMatch(/^LL-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await redemptionsOf(referee)).toHaveLength(1);
    expect(await repository.getRedemption(redemption.redemptionId)).toEqual(redemption);
    expect(await repository.getCoupon(redemption.couponCode)).toEqual({ redemptionId: redemption.redemptionId, status: 'active' });
    expect((await repository.getReward(reward.rewardId))?.stock).toBe(2);
    expect(await repository.getAccount(referee)).toMatchObject({ available: 0, redeemed: 0, redemptionsByReward: { [reward.rewardId]: 1 } });
    expect(await ledgerOf(referee)).toMatchObject([{ type: 'referral', points: 0, reason: 'Welcome offer: joined through a referral (reward: Free shipping)', source: { kind: 'referral', id: referralId } }]);
    expect(await lotsOf(referee)).toEqual([]);
    // Redelivered later: still the one redemption.
    expect(await creditReferral(repository, coupon(referralId, 'referee', referee, reward.rewardId), t0)).toEqual({ kind: 'already-credited' });
    expect(await redemptionsOf(referee)).toHaveLength(1);
  });

  it('are a named no-op for an unknown, inactive or out-of-stock reward: nothing written, and the event settles', async () => {
    const advocate = uniqueId('adv');
    const referralId = uniqueId('rf');
    expect(await creditReferral(repository, coupon(referralId, 'advocate', advocate, uniqueId('missing')), t0)).toEqual({ kind: 'unknown-reward' });
    const inactive = await createReward({ active: false });
    expect(await creditReferral(repository, coupon(referralId, 'advocate', advocate, inactive.rewardId), t0)).toEqual({ kind: 'inactive-reward' });
    const soldOut = await createReward({ stock: 0 });
    expect(await creditReferral(repository, coupon(referralId, 'advocate', advocate, soldOut.rewardId), t0)).toEqual({ kind: 'out-of-stock' });
    expect((await repository.getAccount(advocate)).version).toBe(0);
    expect(await ledgerOf(advocate)).toEqual([]);
    expect(await redemptionsOf(advocate)).toEqual([]);
    expect(await repository.getMarker(advocate, 'CREDIT', `referral:${referralId}:advocate`)).toBeUndefined();

    // The handler settles such an event (no throw, so no retries into the DLQ).
    await expect(referralEvents(envelope(ReferralRewarded, { referralId, code: 'ANNA-7KQ2', advocateCustomerId: advocate, refereeCustomerId: 'x', reward: { kind: 'coupon', rewardId: 'nope' } }), lambdaContext())).resolves.toBeUndefined();
    expect(await ledgerOf(advocate)).toEqual([]);
  });

  it('when cancelled, return 0 points without a lot and give the stock back', async () => {
    const referee = uniqueId('ref');
    const referralId = uniqueId('rf');
    const reward = await createReward({ stock: 1 });
    await creditReferral(repository, points(uniqueId('rf'), 'referee', referee, 40), t0);
    const before = await repository.getAccount(referee);
    const issued = await creditReferral(repository, coupon(referralId, 'referee', referee, reward.rewardId), t0);
    if (issued.kind !== 'issued') throw new Error(`expected issued, got ${issued.kind}`);
    expect((await repository.getReward(reward.rewardId))?.stock).toBe(0);

    const cancelled = await cancelRedemption(repository, { redemptionId: issued.redemption.redemptionId, by: 'marketer:ana' }, '2026-01-02T00:00:00.000Z');
    expect(cancelled).toMatchObject({ kind: 'cancelled', balance: { available: 40, pending: 0 }, redemption: { status: 'cancelled' } });
    expect((await repository.getReward(reward.rewardId))?.stock).toBe(1);
    const account = await repository.getAccount(referee);
    expect(account).toMatchObject({ available: 40, redeemed: 0, releasedTotal: before.releasedTotal, redemptionsByReward: { [reward.rewardId]: 0 } });
    expect(account.lastLotExpiresAt).toBe(before.lastLotExpiresAt);
    expect((await lotsOf(referee)).map((lot) => lot.lotId)).toEqual([expect.stringMatching(/^referral:/)]);
    const entries = await ledgerOf(referee);
    expect(entries[0]).toMatchObject({ type: 'redeem-cancel', points: 0, availableDelta: 0, by: 'marketer:ana' });
    expect(await outboxOf(referee, entries[0]!.seq)).toBeUndefined();
    // A cancelled grant is not issued again by a redelivery.
    expect(await creditReferral(repository, coupon(referralId, 'referee', referee, reward.rewardId), t0)).toEqual({ kind: 'already-credited' });
    await expectLedgerExplainsBalance(referee);
  });
});

function envelope(contract: typeof ReferralRewarded | typeof ReferralWelcomeOffered, data: Record<string, unknown>): EventEnvelope {
  return {
    version: '0',
    id: uniqueId('envelope'),
    'detail-type': contract.detailType,
    source: contract.source,
    account: '000000000000',
    time: '2026-11-22T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: contract.detail(data as never, { eventId: `${contract.detailType}:${String(data.referralId)}`, occurredAt: '2026-11-22T10:00:00.000Z' }),
  };
}

describe('the referral events handler', () => {
  it('credits ReferralRewarded to the advocate and ReferralWelcomeOffered to the referee, once under 5 concurrent deliveries each', async () => {
    const advocate = uniqueId('adv');
    const referee = uniqueId('ref');
    const referralId = uniqueId('rf');
    const ref = { referralId, code: 'ANNA-7KQ2', advocateCustomerId: advocate, refereeCustomerId: referee };
    const rewarded = envelope(ReferralRewarded, { ...ref, reward: { kind: 'points', points: 500 } });
    const welcome = envelope(ReferralWelcomeOffered, { ...ref, offer: { kind: 'points', points: 200 } });
    await Promise.all([...Array.from({ length: 5 }, () => referralEvents(rewarded, lambdaContext())), ...Array.from({ length: 5 }, () => referralEvents(welcome, lambdaContext()))]);
    expect(await ledgerOf(advocate)).toMatchObject([{ type: 'referral', points: 500, source: { kind: 'referral', id: referralId } }]);
    expect(await ledgerOf(referee)).toMatchObject([{ type: 'referral', points: 200, source: { kind: 'referral', id: referralId } }]);
    expect((await repository.getAccount(advocate)).available).toBe(500);
    expect((await repository.getAccount(referee)).available).toBe(200);
  });
});
