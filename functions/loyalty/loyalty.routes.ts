import * as z from 'zod';
import { currencyCode, decimalAmount, listingOf, listingQuery, minorUnits, timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';
import { programInput, storedProgram } from './domain/program';
import {
  adjustmentBody,
  batchAdjustmentBody,
  couponParams,
  createRewardBody,
  customerParams,
  redemptionBody,
  redemptionParams,
  rewardBody,
  rewardParams,
} from './loyalty.schema';

/** The loyalty API: program, balances and ledger, adjustments, rewards and redemptions. */
const audit = { createdAt: timestamp, updatedAt: timestamp, updatedBy: z.string() };
const program = storedProgram;
const reward = createRewardBody.extend(audit);
const points = z.number().int();
const balanceAfter = z.object({ available: points, pending: points });

const redemption = z.object({
  redemptionId: z.uuid(),
  customerId: z.string(),
  rewardId: z.string(),
  rewardName: z.string(),
  pointsSpent: points,
  couponCode: z.string(),
  status: z.enum(['active', 'used', 'cancelled']),
  createdAt: timestamp,
  usedAt: timestamp.optional(),
  cancelledAt: timestamp.optional(),
  usedBy: z.string().optional(),
  requestedBy: z.string(),
});
const redemptionWithBalance = redemption.extend({ balance: balanceAfter });

const ledgerEntry = z.object({
  entryId: z.string(),
  type: z.string(),
  points,
  reason: z.string(),
  source: z.object({ kind: z.string(), id: z.string().optional(), storeId: z.string().optional() }),
  balanceAfter,
  createdAt: timestamp,
  programVersion: z.number().int().optional(),
  /** How an award was computed, step by step (only on the store's own orders). */
  explanation: z.array(z.record(z.string(), z.unknown())).optional(),
  by: z.string().optional(),
});

const balance = z.object({
  customerId: z.string(),
  available: points,
  pending: points,
  lifetimeEarned: points,
  redeemed: points,
  expired: points,
  tier: z.object({ name: z.string(), since: timestamp.nullable(), multiplier: z.number(), benefits: z.string().optional() }).nullable(),
  nextTier: z.object({ name: z.string(), remainingSpend: decimalAmount, remainingSpendMinor: z.number().int(), currency: currencyCode }).nullable(),
  expiringSoon: z.object({ points, expiresAt: timestamp }).nullable(),
  qualifyingSpend: z.object({ amount: decimalAmount, amountMinor: minorUnits, currency: currencyCode, windowDays: z.number().int() }).nullable(),
});

const adjustment = z.object({ entryId: z.string(), balance: balanceAfter });

export const getProgram = defineRoute({
  method: 'GET',
  path: '/v1/program',
  access: ['marketer'],
  summary: 'The loyalty program (404 until one is saved)',
  responses: { 200: program },
});

export const putProgram = defineRoute({
  method: 'PUT',
  path: '/v1/program',
  access: ['marketer'],
  summary: 'Save the loyalty program as a new version',
  body: programInput,
  responses: { 200: program },
});

export const getLoyaltyBalance = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/loyalty',
  access: ['storefront', 'customer', 'marketer'],
  summary: "A customer's points, tier, next tier and points expiring soon",
  params: customerParams,
  responses: { 200: balance },
});

export const getLedger = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/ledger',
  access: ['storefront', 'customer', 'marketer'],
  summary: "A customer's ledger, newest first (a storefront sees other stores' orders without their details)",
  params: customerParams,
  query: listingQuery,
  responses: { 200: listingOf(ledgerEntry) },
});

export const createAdjustment = defineRoute({
  method: 'POST',
  path: '/v1/customers/{customerId}/adjustments',
  access: ['marketer'],
  summary: 'Add or remove points by hand (idempotent on adjustmentId)',
  params: customerParams,
  body: adjustmentBody,
  responses: { 201: adjustment, 200: adjustment },
});

export const batchAdjustments = defineRoute({
  method: 'POST',
  path: '/v1/adjustments/batch',
  access: ['marketer'],
  summary: 'Up to 1,000 adjustments, each idempotent on its adjustmentId, with a result per item',
  body: batchAdjustmentBody,
  maxBodyBytes: 512 * 1024,
  responses: {
    200: z.object({
      summary: z.object({ created: z.number().int(), replayed: z.number().int(), failed: z.number().int(), notAttempted: z.number().int() }),
      results: z.array(z.object({ customerId: z.string(), adjustmentId: z.string(), status: z.number().int(), result: z.record(z.string(), z.unknown()) })),
    }),
  },
});

export const listRewards = defineRoute({
  method: 'GET',
  path: '/v1/rewards',
  access: ['storefront', 'customer', 'marketer'],
  summary: 'The reward catalog (storefronts: active rewards; customers: those they are eligible for)',
  query: listingQuery,
  responses: { 200: listingOf(reward) },
});

export const createReward = defineRoute({
  method: 'POST',
  path: '/v1/rewards',
  access: ['marketer'],
  summary: 'Add a reward to the catalog',
  body: createRewardBody,
  responses: { 201: reward },
});

export const updateReward = defineRoute({
  method: 'PUT',
  path: '/v1/rewards/{rewardId}',
  access: ['marketer'],
  summary: 'Change a reward',
  params: rewardParams,
  body: rewardBody,
  responses: { 200: reward },
});

export const createRedemption = defineRoute({
  method: 'POST',
  path: '/v1/customers/{customerId}/redemptions',
  access: ['storefront', 'customer'],
  summary: 'Spend points on a reward (Idempotency-Key required); answers the coupon',
  params: customerParams,
  body: redemptionBody,
  responses: { 201: redemptionWithBalance },
});

export const listRedemptions = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/redemptions',
  access: ['storefront', 'customer', 'marketer'],
  summary: "A customer's redemptions, newest first",
  params: customerParams,
  query: listingQuery,
  responses: { 200: listingOf(redemption) },
});

export const cancelRedemption = defineRoute({
  method: 'POST',
  path: '/v1/redemptions/{redemptionId}/cancel',
  access: ['customer', 'marketer'],
  summary: 'Cancel an unused redemption; the points come back',
  params: redemptionParams,
  responses: { 200: redemptionWithBalance },
});

export const consumeCoupon = defineRoute({
  method: 'POST',
  path: '/v1/coupons/{code}/consume',
  access: ['storefront'],
  summary: 'Mark a coupon used, exactly once',
  params: couponParams,
  responses: { 200: redemption },
});

export const rewardsWidget = defineRoute({
  method: 'GET',
  path: '/l/{file}',
  access: ['public'],
  summary:
    'The customer rewards widget (<loyalty-rewards>): loyalty-rewards.js, a loader revalidated every 5 minutes, imports the script under its content-hashed name (immutable for a year)',
  params: z.object({ file: z.string().min(1).max(100) }),
  responses: { 200: z.string(), 304: null },
  openCors: true,
});
