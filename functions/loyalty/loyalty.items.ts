import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import type { Account, LedgerEntry, Lot } from './domain/account';
import { storedProgram, type Program } from './domain/program';
import type { EarnRecord, Redemption, Reward, SpendRecord } from './domain/records';

/**
 * The loyalty table's items as stored, parsed (never cast) into the domain's types: an item that does not match
 * fails loudly naming its kind and field (CorruptItemError). Counters added over time default to zero for items
 * written before them.
 */
const int = z.number().int();
const counter = int.default(0);
const source = z.object({ kind: z.enum(['order', 'refund', 'lot', 'redemption', 'rule', 'marketer', 'referral', 'win-back']), id: z.string(), storeId: z.string().optional() });
const explanation = z.array(z.object({ step: z.enum(['base', 'rule', 'campaign', 'tier', 'bonus', 'note', 'limit']), description: z.string(), points: z.number() }));

const account = z.object({
  customerId: z.string(),
  version: int,
  available: counter,
  pending: counter,
  lifetimeEarned: counter,
  redeemed: counter,
  expired: counter,
  reversed: counter,
  unrecoverable: counter,
  releasedTotal: counter,
  fifoConsumed: counter,
  lastLotExpiresAt: z.string().optional(),
  tier: z.object({ name: z.string(), since: z.string() }).optional(),
  earnedPurchases: counter,
  entrySeq: counter,
  redemptionsByReward: z.record(z.string(), int).default({}),
  tierReviewAt: z.string().optional(),
});

const ledgerEntry = z.object({
  customerId: z.string(),
  seq: int,
  entryId: z.string(),
  type: z.enum(['earn', 'bonus', 'reverse', 'release', 'expire', 'redeem', 'redeem-cancel', 'adjust', 'referral', 'win-back']),
  points: int,
  availableDelta: int,
  pendingDelta: int,
  reason: z.string(),
  source,
  balanceAfter: z.object({ available: int, pending: int }),
  createdAt: z.string(),
  programVersion: int.optional(),
  explanation: explanation.optional(),
  by: z.string().optional(),
});

const lot = z.object({
  customerId: z.string(),
  lotId: z.string(),
  status: z.enum(['pending', 'available']),
  points: int,
  createdAt: z.string(),
  pendingUntil: z.string().optional(),
  start: int.optional(),
  end: int.optional(),
  expiresAt: z.string().optional(),
  reminded: z.boolean().optional(),
  source,
});

const earn = z.object({
  customerId: z.string(),
  storeId: z.string(),
  orderId: z.string(),
  points: int,
  reversed: counter,
  lotId: z.string(),
  purchaseAmountMinor: int,
  spendKey: z.string().optional(),
  baseAmountMinor: counter,
  appliedRefunds: z.array(z.string()).default([]),
  explanation: explanation.default([]),
});

const spend = z.object({ customerId: z.string(), key: z.string(), occurredAt: z.string(), baseAmountMinor: int });

const redemption = z.object({
  redemptionId: z.string(),
  customerId: z.string(),
  rewardId: z.string(),
  rewardName: z.string(),
  pointsSpent: int,
  couponCode: z.string(),
  status: z.enum(['active', 'used', 'cancelled']),
  createdAt: z.string(),
  usedAt: z.string().optional(),
  cancelledAt: z.string().optional(),
  requestedBy: z.string(),
  usedBy: z.string().optional(),
});

const reward = z.object({
  rewardId: z.string(),
  name: z.string(),
  description: z.string().optional(),
  costPoints: int,
  type: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed_discount'), amount: z.string(), currency: z.string() }),
    z.object({ kind: z.literal('percent_discount'), percent: z.number() }),
    z.object({ kind: z.literal('free_shipping') }),
    z.object({ kind: z.literal('free_product'), sku: z.string() }),
    z.object({ kind: z.literal('custom'), details: z.string() }),
  ]),
  active: z.boolean(),
  perCustomerLimit: int.optional(),
  minimumTier: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

const coupon = z.object({ redemptionId: z.string(), status: redemption.shape.status });

export const accountFromItem = (item: unknown): Account => parseItem(z.object({ account }), item, 'account').account;
export const entryFromItem = (item: unknown): LedgerEntry => parseItem(z.object({ entry: ledgerEntry }), item, 'ledger entry').entry;
export const lotFromItem = (item: unknown): Lot => parseItem(z.object({ lot }), item, 'point lot').lot;
export const earnFromItem = (item: unknown): EarnRecord => parseItem(z.object({ earn }), item, 'earn record').earn;
export const spendFromItem = (item: unknown): SpendRecord => parseItem(z.object({ spend }), item, 'spend record').spend;
export const redemptionFromItem = (item: unknown): Redemption => parseItem(z.object({ redemption }), item, 'redemption').redemption;
export const couponFromItem = (item: unknown): { redemptionId: string; status: Redemption['status'] } => parseItem(coupon, item, 'coupon');
export const programFromItem = (item: unknown): Program => parseItem(z.object({ program: storedProgram }), item, 'program').program;

/** Rewards keep their stock beside them (redemptions decrement it in their transaction). */
export function rewardFromItem(item: unknown): Reward {
  const parsed = parseItem(z.object({ reward, stock: int.optional() }), item, 'reward');
  return { ...parsed.reward, ...(parsed.stock === undefined ? {} : { stock: parsed.stock }) };
}
