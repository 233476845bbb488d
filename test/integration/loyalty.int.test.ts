import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { newPurchase } from '../../functions/purchases/domain/purchase';
import { DEMO_PROGRAM, type ProgramInput } from '../../functions/loyalty/domain/program';
import type { Reward } from '../../functions/loyalty/domain/records';
import {
  adjustPoints,
  awardPurchase,
  balance,
  cancelRedemption,
  EarnNotRecordedError,
  expireDuePoints,
  redeemReward,
  releaseDuePoints,
  reversePurchase,
  reviewTiers,
  saveProgram,
  sendExpiryReminders,
} from '../../functions/loyalty/domain/use-cases';
import { LoyaltyPrivacy, LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { handler as createRedemption } from '../../functions/loyalty/create-redemption.handler';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { formatMinor } from '../../shared/domain/money';
import { apiEvent, call, customer, uniqueId } from '../support/api-event';

/**
 * The loyalty guarantees on DynamoDB Local: the ledger explains every balance, nothing is overdrawn, every
 * effect happens once under duplicate and concurrent delivery, and the design limits hold (no Scan; a balance read
 * is one GetItem and one Query; an award is one transaction).
 */
const TABLE = process.env.LOYALTY_TABLE_NAME as string;
const commands: string[] = [];
let recording = false;

function recordCommands(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (recording) commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
}

const client = dynamoDocumentClient();
recordCommands(client);
const repository = new LoyaltyRepository(client, TABLE);
const t0 = new Date('2026-01-01T00:00:00.000Z');
const iso = (days: number) => new Date(t0.getTime() + days * 86_400_000).toISOString();

async function useProgram(patch: Partial<ProgramInput>): Promise<void> {
  await saveProgram(repository, { ...DEMO_PROGRAM, ...patch }, 'test', iso(0));
}

function purchaseData(customerId: string, orderId: string, amountMinor: number, occurredAt = iso(0)) {
  const purchase = newPurchase({ storeId: 'store', orderId, customerId, amountMinor, currency: 'USD', items: [], occurredAt }, new Date(occurredAt));
  return { ...purchase, items: [] };
}

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

async function expectLedgerExplainsBalance(customerId: string, options: { allowNegative?: boolean } = {}): Promise<void> {
  const account = await repository.getAccount(customerId);
  const entries = await ledgerOf(customerId);
  const sum = entries.reduce((total, entry) => total + entry.availableDelta + entry.pendingDelta, 0);
  expect(account.available + account.pending).toBe(sum);
  if (!options.allowNegative) expect(account.available).toBeGreaterThanOrEqual(0);
  expect(account.pending).toBeGreaterThanOrEqual(0);
}

async function createReward(patch: Partial<Reward> = {}): Promise<Reward> {
  const reward: Reward = {
    rewardId: uniqueId('reward'),
    name: 'Ten off',
    costPoints: 10,
    type: { kind: 'fixed_discount', amount: '10.00', currency: 'USD' },
    active: true,
    createdAt: iso(0),
    updatedAt: iso(0),
    updatedBy: 'test',
    ...patch,
  };
  await repository.putReward(reward, true);
  return reward;
}

beforeAll(async () => {
  await useProgram({ pendingDays: 0 });
});

describe('earning exactly once', () => {
  it('awards the same PurchaseRecorded delivered 5 times concurrently once, in one transaction', async () => {
    const customerId = uniqueId('cust');
    const data = purchaseData(customerId, 'o-1', 10000);
    commands.length = 0;
    recording = true;
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => awardPurchase(repository, data, iso(0))));
    recording = false;
    expect(outcomes.filter((outcome) => outcome === 'awarded')).toHaveLength(1);
    const account = await repository.getAccount(customerId);
    expect(account).toMatchObject({ available: 150, lifetimeEarned: 150 });
    expect(commands.filter((name) => name === 'TransactWriteItemsCommand').length).toBeGreaterThanOrEqual(1);
    expect(commands).not.toContain('ScanCommand');
    await expectLedgerExplainsBalance(customerId);
  });

  it('reverses a refund delivered 5 times concurrently once, and retries a refund that arrives before its purchase', async () => {
    const customerId = uniqueId('cust');
    const refund = { storeId: 'store', orderId: 'o-1', refundId: 'r-1', customerId, purchaseAmountMinor: 10000, refundedTotalMinor: 5000, fullyRefunded: false };
    await expect(reversePurchase(repository, refund, iso(0))).rejects.toThrow(EarnNotRecordedError);
    await awardPurchase(repository, purchaseData(customerId, 'o-1', 10000), iso(0));
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => reversePurchase(repository, refund, iso(0))));
    expect(outcomes.filter((outcome) => outcome === 'reversed')).toHaveLength(1);
    expect((await repository.getAccount(customerId)).available).toBe(150 - 75);
    await reversePurchase(repository, { ...refund, refundId: 'r-2', refundedTotalMinor: 10000, fullyRefunded: true }, iso(0));
    expect((await repository.getAccount(customerId)).available).toBe(0);
    await expectLedgerExplainsBalance(customerId);
  });
});

describe('races between readers and writers', () => {
  it('never reverses a refund twice, over many rounds of concurrent duplicates', async () => {
    for (let round = 0; round < 8; round++) {
      const customerId = uniqueId('race');
      await awardPurchase(repository, purchaseData(customerId, 'o-1', 10000), iso(0));
      const refund = { storeId: 'store', orderId: 'o-1', refundId: 'r-1', customerId, purchaseAmountMinor: 10000, refundedTotalMinor: 10000, fullyRefunded: true };
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => reversePurchase(repository, refund, iso(0))));
      expect(outcomes.filter((outcome) => outcome === 'reversed')).toHaveLength(1);
      expect(await repository.getAccount(customerId)).toMatchObject({ available: 0, pending: 0, reversed: 150 });
      await expectLedgerExplainsBalance(customerId);
    }
  }, 60_000);

  it('releases a pending lot once when schedule runs overlap', async () => {
    await useProgram({ pendingDays: 3 });
    const customerId = uniqueId('race');
    await awardPurchase(repository, purchaseData(customerId, 'o-1', 10000, iso(0)), iso(0));
    await Promise.all(Array.from({ length: 6 }, () => releaseDuePoints(repository, iso(3))));
    expect(await repository.getAccount(customerId)).toMatchObject({ available: 150, pending: 0 });
    expect((await ledgerOf(customerId)).filter((entry) => entry.type === 'release')).toHaveLength(1);
    await useProgram({ pendingDays: 0 });
  }, 60_000);
});

describe('redemptions', () => {
  it('lets exactly 10 of 50 concurrent redemptions through when the balance covers 10; the rest get 409', async () => {
    const customerId = uniqueId('cust');
    await adjustPoints(repository, { customerId, adjustmentId: 'seed', points: 100, reason: 'test balance', by: 'marketer:test' }, iso(0));
    const reward = await createReward({ costPoints: 10 });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        call(
          createRedemption,
          apiEvent({
            routeKey: 'POST /v1/customers/{customerId}/redemptions',
            path: `/v1/customers/${customerId}/redemptions`,
            pathParameters: { customerId },
            headers: { 'idempotency-key': `key-${index}` },
            body: { rewardId: reward.rewardId },
            authorizer: customer(customerId),
          }),
        ),
      ),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(10);
    const refused = responses.filter((response) => response.status === 409);
    expect(refused).toHaveLength(40);
    expect(refused.every((response) => response.body.type === 'urn:loyalty-loop:problem:insufficient-points')).toBe(true);
    expect((await repository.getAccount(customerId)).available).toBe(0);
    expect(new Set(responses.filter((response) => response.status === 201).map((response) => response.body.couponCode)).size).toBe(10);
    await expectLedgerExplainsBalance(customerId);
  }, 60_000);

  it('answers retries with one Idempotency-Key with the same redemption, once, and refuses the key for another body', async () => {
    const customerId = uniqueId('cust');
    await adjustPoints(repository, { customerId, adjustmentId: 'seed', points: 100, reason: 'test balance', by: 'marketer:test' }, iso(0));
    const reward = await createReward({ costPoints: 30 });
    const other = await createReward({ costPoints: 30 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => redeemReward(repository, { customerId, rewardId: reward.rewardId, idempotencyKey: 'same', requestedBy: 'customer' }, iso(0))),
    );
    const ids = new Set(results.map((result) => ('redemption' in result ? result.redemption.redemptionId : result.kind)));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.kind === 'created')).toHaveLength(1);
    expect((await repository.getAccount(customerId)).available).toBe(70);
    expect((await redeemReward(repository, { customerId, rewardId: other.rewardId, idempotencyKey: 'same', requestedBy: 'customer' }, iso(0))).kind).toBe('idempotency-mismatch');
  });

  it('enforces stock, per-customer limits and minimum tiers, and gives points back on cancellation', async () => {
    const customerId = uniqueId('cust');
    await adjustPoints(repository, { customerId, adjustmentId: 'seed', points: 1000, reason: 'test balance', by: 'marketer:test' }, iso(0));
    const limited = await createReward({ costPoints: 10, stock: 1 });
    const first = await redeemReward(repository, { customerId, rewardId: limited.rewardId, idempotencyKey: 'a', requestedBy: 'customer' }, iso(0));
    expect(first.kind).toBe('created');
    expect((await redeemReward(repository, { customerId, rewardId: limited.rewardId, idempotencyKey: 'b', requestedBy: 'customer' }, iso(0))).kind).toBe('out-of-stock');
    const once = await createReward({ costPoints: 10, perCustomerLimit: 1 });
    await redeemReward(repository, { customerId, rewardId: once.rewardId, idempotencyKey: 'c', requestedBy: 'customer' }, iso(0));
    expect((await redeemReward(repository, { customerId, rewardId: once.rewardId, idempotencyKey: 'd', requestedBy: 'customer' }, iso(0))).kind).toBe('limit-reached');
    const gold = await createReward({ costPoints: 10, minimumTier: 'Gold' });
    expect((await redeemReward(repository, { customerId, rewardId: gold.rewardId, idempotencyKey: 'e', requestedBy: 'customer' }, iso(0))).kind).toBe('tier-too-low');

    if (first.kind !== 'created') throw new Error('unreachable');
    const cancelled = await cancelRedemption(repository, { redemptionId: first.redemption.redemptionId, by: 'customer', customerId }, iso(1));
    expect(cancelled.kind).toBe('cancelled');
    expect((await repository.getReward(limited.rewardId))?.stock).toBe(1);
    expect((await cancelRedemption(repository, { redemptionId: first.redemption.redemptionId, by: 'customer', customerId }, iso(1))).kind).toBe('not-active');
    expect((await repository.getAccount(customerId)).available).toBe(1000 - 10);
    await expectLedgerExplainsBalance(customerId);
  });
});

describe('adjustments', () => {
  it('are idempotent on adjustmentId, audited, and cannot overdraw', async () => {
    const customerId = uniqueId('cust');
    const adjustment = { customerId, adjustmentId: 'goodwill-1', points: 40, reason: 'Late delivery', by: 'marketer:ana' };
    const results = await Promise.all(Array.from({ length: 5 }, () => adjustPoints(repository, adjustment, iso(0))));
    expect(results.filter((result) => result.kind === 'created')).toHaveLength(1);
    expect(results.filter((result) => result.kind === 'replayed')).toHaveLength(4);
    expect((await adjustPoints(repository, { ...adjustment, points: 41 }, iso(0))).kind).toBe('conflict');
    expect((await adjustPoints(repository, { ...adjustment, adjustmentId: 'take', points: -41 }, iso(0))).kind).toBe('insufficient-points');
    const [entry] = await ledgerOf(customerId);
    expect(entry).toMatchObject({ type: 'adjust', points: 40, reason: 'Late delivery', by: 'marketer:ana', source: { kind: 'marketer', id: 'goodwill-1' } });
  });
});

describe('schedules over the due-time index', () => {
  it('release pending points, remind before expiry and expire oldest first — without a Scan', async () => {
    await useProgram({ pendingDays: 14, expiryDays: 60, expiryReminderDays: 10 });
    const customerId = uniqueId('cust');
    await awardPurchase(repository, purchaseData(customerId, 'o-1', 10000, iso(0)), iso(0));
    expect(await repository.getAccount(customerId)).toMatchObject({ pending: 150, available: 0 });
    commands.length = 0;
    recording = true;
    await releaseDuePoints(repository, iso(13));
    expect((await repository.getAccount(customerId)).pending).toBe(150);
    await releaseDuePoints(repository, iso(14));
    expect(await repository.getAccount(customerId)).toMatchObject({ pending: 0, available: 150 });
    await redeemReward(repository, { customerId, rewardId: (await createReward({ costPoints: 100 })).rewardId, idempotencyKey: 'k', requestedBy: 'customer' }, iso(20));
    await sendExpiryReminders(repository, iso(65));
    const view = await balance(repository, customerId, iso(65), formatMinor);
    expect(view.expiringSoon).toEqual({ points: 50, expiresAt: iso(74) });
    await expireDuePoints(repository, iso(74));
    recording = false;
    expect(await repository.getAccount(customerId)).toMatchObject({ available: 0, expired: 50, redeemed: 100 });
    expect(commands).not.toContain('ScanCommand');
    await expectLedgerExplainsBalance(customerId);
    await useProgram({ pendingDays: 0 });
  });
});

describe('tier review over the due-time index', () => {
  it('downgrades a customer whose window spend no longer supports the tier, announcing it, without a Scan', async () => {
    const customerId = uniqueId('tier');
    await awardPurchase(repository, purchaseData(customerId, 'o-1', 60000, iso(0)), iso(0));
    expect((await repository.getAccount(customerId)).tier?.name).toBe('Silver');
    commands.length = 0;
    recording = true;
    const early = await reviewTiers(repository, iso(100));
    const late = await reviewTiers(repository, iso(400));
    recording = false;
    expect(early.changed).toBe(0);
    expect(late.changed).toBeGreaterThanOrEqual(1);
    expect(commands).not.toContain('ScanCommand');
    const account = await repository.getAccount(customerId);
    expect(account.tier).toEqual({ name: 'Bronze', since: iso(400) });
    expect(account.tierReviewAt).toBeUndefined();
    const exported = await new LoyaltyPrivacy(client, TABLE).exportCustomer(customerId);
    const history = (exported.tierHistory as { from: string | null; to: string; direction: string }[]).map((change) => [change.from, change.to, change.direction]);
    expect(history).toEqual([
      [null, 'Silver', 'up'],
      ['Silver', 'Bronze', 'down'],
    ]);
  });
});

describe('tier review time (issue 9)', () => {
  it('stays where it is while a review is pending, so writes do not move the account in the due-time index', async () => {
    const customerId = uniqueId('tier');
    await awardPurchase(repository, purchaseData(customerId, 'o-1', 60000, iso(0)), iso(0));
    const first = (await repository.getAccount(customerId)).tierReviewAt;
    expect(first).toBeDefined();
    await awardPurchase(repository, purchaseData(customerId, 'o-2', 1000, iso(0.5)), iso(0.5));
    expect((await repository.getAccount(customerId)).tierReviewAt).toBe(first);
    // Once due, the next write (or the review) schedules the next one.
    await awardPurchase(repository, purchaseData(customerId, 'o-3', 1000, iso(2)), iso(2));
    expect((await repository.getAccount(customerId)).tierReviewAt).toBe(iso(3));
  });
});

describe('reading a balance', () => {
  it('is one GetItem and at most one Query (the program is cached per container)', async () => {
    const customerId = uniqueId('cust');
    await awardPurchase(repository, purchaseData(customerId, 'o-1', 10000), iso(0));
    await balance(repository, customerId, iso(0), formatMinor);
    commands.length = 0;
    recording = true;
    const view = await balance(repository, customerId, iso(0), formatMinor);
    recording = false;
    expect(commands.sort()).toEqual(['GetItemCommand', 'QueryCommand']);
    expect(view).toMatchObject({ available: 150, tier: { name: 'Bronze' }, nextTier: { name: 'Silver', remainingSpend: '400.00' } });
    expect(await balance(repository, uniqueId('nobody'), iso(0), formatMinor)).toMatchObject({ available: 0, pending: 0, lifetimeEarned: 0 });
  });
});

describe('invariants under random histories (fast-check)', () => {
  type Step =
    | { kind: 'purchase'; amountMinor: number }
    | { kind: 'refund'; order: number; share: number }
    | { kind: 'redeem'; cost: number }
    | { kind: 'cancel'; which: number }
    | { kind: 'adjust'; points: number }
    | { kind: 'clock'; days: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('purchase' as const), amountMinor: fc.integer({ min: 1, max: 50000 }) }),
    fc.record({ kind: fc.constant('refund' as const), order: fc.nat(5), share: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant('redeem' as const), cost: fc.integer({ min: 1, max: 300 }) }),
    fc.record({ kind: fc.constant('cancel' as const), which: fc.nat(5) }),
    fc.record({ kind: fc.constant('adjust' as const), points: fc.integer({ min: -200, max: 200 }).filter((points) => points !== 0) }),
    fc.record({ kind: fc.constant('clock' as const), days: fc.integer({ min: 1, max: 200 }) }),
  );

  it('keeps available + pending equal to the ledger and available ≥ 0', async () => {
    await useProgram({ pendingDays: 7, expiryDays: 90, expiryReminderDays: 7 });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 14 }), async (steps) => {
        const customerId = uniqueId('prop');
        let day = 0;
        const orders: { orderId: string; amountMinor: number; refunded: number }[] = [];
        const redemptions: string[] = [];
        for (const [index, current] of steps.entries()) {
          const now = iso(day);
          switch (current.kind) {
            case 'purchase': {
              const orderId = `o-${index}`;
              orders.push({ orderId, amountMinor: current.amountMinor, refunded: 0 });
              await awardPurchase(repository, purchaseData(customerId, orderId, current.amountMinor, now), now);
              break;
            }
            case 'refund': {
              const order = orders[current.order % Math.max(1, orders.length)];
              if (!order || order.refunded >= order.amountMinor) break;
              const amount = Math.max(1, Math.floor(((order.amountMinor - order.refunded) * current.share) / 100));
              order.refunded += amount;
              await reversePurchase(
                repository,
                { storeId: 'store', orderId: order.orderId, refundId: `r-${index}`, customerId, purchaseAmountMinor: order.amountMinor, refundedTotalMinor: order.refunded, fullyRefunded: order.refunded === order.amountMinor },
                now,
              );
              break;
            }
            case 'redeem': {
              const reward = await createReward({ costPoints: current.cost });
              const result = await redeemReward(repository, { customerId, rewardId: reward.rewardId, idempotencyKey: `k-${index}`, requestedBy: 'customer' }, now);
              if (result.kind === 'created') redemptions.push(result.redemption.redemptionId);
              break;
            }
            case 'cancel': {
              const redemptionId = redemptions[current.which % Math.max(1, redemptions.length)];
              if (redemptionId) await cancelRedemption(repository, { redemptionId, by: 'marketer:test' }, now);
              break;
            }
            case 'adjust':
              await adjustPoints(repository, { customerId, adjustmentId: `a-${index}`, points: current.points, reason: 'property test', by: 'marketer:test' }, now);
              break;
            case 'clock':
              day += current.days;
              await releaseDuePoints(repository, iso(day));
              await sendExpiryReminders(repository, iso(day));
              await expireDuePoints(repository, iso(day));
              break;
          }
          await expectLedgerExplainsBalance(customerId);
        }
      }),
      { numRuns: 25 },
    );
    await useProgram({ pendingDays: 0 });
  }, 180_000);
});
