import * as z from 'zod';
import { identifier } from '../../shared/domain/identifiers';
import { isKnownCurrency } from '../../shared/domain/currencies';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const points = z.number({ error: 'must be a whole number of points' }).int('must be a whole number of points');

export { customerParams } from '../../shared/domain/identifiers';
export const rewardParams = z.object({ rewardId: identifier });
export const redemptionParams = z.object({ redemptionId: z.uuid('must be a redemption id') });
export const couponParams = z.object({ code: z.string().regex(/^LL-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'must be a coupon code like LL-XXXX-XXXX-XXXX-XXXX') });

export const adjustmentBody = z.strictObject({
  adjustmentId: identifier,
  points: points.refine((value) => value !== 0, 'must not be zero').refine((value) => Math.abs(value) <= 10_000_000, 'must be at most 10,000,000 either way'),
  reason: text(500),
});

export const MAX_BATCH = 1000;
export const batchAdjustmentBody = z.strictObject({
  items: z
    .array(adjustmentBody.extend({ customerId: identifier }))
    .min(1, 'must have at least one item')
    .max(MAX_BATCH, `must have at most ${MAX_BATCH} items`),
});

const rewardType = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fixed_discount'),
    amount: z.string().regex(/^\d{1,9}(\.\d{1,4})?$/, 'must be a decimal string like "10.00"'),
    currency: z.string().regex(/^[A-Z]{3}$/).refine(isKnownCurrency, 'is not an active ISO 4217 currency code'),
  }),
  z.strictObject({ kind: z.literal('percent_discount'), percent: z.number().int().min(1).max(100) }),
  z.strictObject({ kind: z.literal('free_shipping') }),
  z.strictObject({ kind: z.literal('free_product'), sku: text(128) }),
  z.strictObject({ kind: z.literal('custom'), details: text(500) }),
]);

export const rewardBody = z.strictObject({
  name: text(100),
  description: text(1000).optional(),
  costPoints: points.min(1, 'must be at least 1').max(100_000_000),
  type: rewardType,
  active: z.boolean().default(true),
  stock: points.min(0, 'must not be negative').max(100_000_000).optional(),
  perCustomerLimit: points.min(1).max(1_000_000).optional(),
  minimumTier: text(64).optional(),
});

export const createRewardBody = rewardBody.extend({ rewardId: identifier });

export const redemptionBody = z.strictObject({ rewardId: identifier });

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
