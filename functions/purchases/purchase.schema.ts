import * as z from 'zod';
import { identifier } from '../../shared/domain/identifiers';
import { describeAmountFailure, parseMajorAmount } from '../../shared/domain/money';
import { isKnownCurrency } from '../../shared/domain/currencies';
import type { RecordPurchaseCommand } from './domain/purchase';

/** Request schemas of the purchases API. Amounts arrive in major units and leave here as integer minor units. */
const majorAmount = z.union([z.string().max(40), z.number()], { error: 'must be a decimal string like "404.95" or a number' });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const currencyCode = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code')
  .transform((code) => code.toUpperCase())
  .refine(isKnownCurrency, { error: (issue) => `'${String(issue.input)}' is not an active ISO 4217 currency code` });

/** Clock skew we tolerate between a storefront and us before calling an occurredAt "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** No storefront order predates 2000; an earlier date is a client bug (epoch zero, a swapped field), not history. */
const EARLIEST_OCCURRED_AT = Date.parse('2000-01-01T00:00:00Z');

export function recordPurchaseBody(now: () => Date) {
  return z
    .strictObject({
      orderId: identifier,
      customerId: identifier,
      email: z.email('must be an email address').max(254).optional(),
      amount: majorAmount,
      currency: currencyCode,
      items: z
        .array(
          z.strictObject({
            sku: text(128).optional(),
            category: text(128).optional(),
            quantity: z.number().int('must be a whole number').min(1).max(1_000_000),
            unitPrice: majorAmount.optional(),
          }),
        )
        .max(500, 'must have at most 500 items')
        .optional(),
      occurredAt: z.iso
        .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
        .refine((value) => Date.parse(value) <= now().getTime() + FUTURE_TOLERANCE_MS, 'must not be in the future')
        .refine((value) => Date.parse(value) >= EARLIEST_OCCURRED_AT, 'must not be before 2000-01-01T00:00:00Z')
        .optional(),
      referralCode: text(64).optional(),
      channel: text(64).optional(),
    })
    .transform((body, ctx): Omit<RecordPurchaseCommand, 'storeId'> => {
      const amount = parseMajorAmount(body.amount, body.currency);
      if (!amount.ok) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: describeAmountFailure(amount.failure, body.currency) });
        return z.NEVER;
      }
      const items = (body.items ?? []).map((item, index) => {
        if (item.unitPrice === undefined) return { sku: item.sku, category: item.category, quantity: item.quantity };
        const price = parseMajorAmount(item.unitPrice, body.currency);
        if (!price.ok) {
          ctx.addIssue({ code: 'custom', path: ['items', index, 'unitPrice'], message: describeAmountFailure(price.failure, body.currency) });
          return { quantity: item.quantity };
        }
        return { sku: item.sku, category: item.category, quantity: item.quantity, unitPriceMinor: price.money.amountMinor };
      });
      return {
        orderId: body.orderId,
        customerId: body.customerId,
        email: body.email?.toLowerCase(),
        amountMinor: amount.money.amountMinor,
        currency: body.currency,
        items: items.map((item) => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as typeof item),
        occurredAt: body.occurredAt,
        referralCode: body.referralCode,
        channel: body.channel,
      };
    });
}

export const refundBody = z.strictObject({
  refundId: identifier,
  amount: majorAmount,
  reason: text(500).optional(),
});

export const orderParams = z.object({ orderId: identifier });
export { customerParams } from '../../shared/domain/identifiers';
