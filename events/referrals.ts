import * as z from 'zod';
import { defineEvent } from './contract';

/**
 * The referral service's events: one per transition of a referral's lifecycle (see functions/referrals), each
 * announced from the referral's history entry in the same transaction as the transition. Loyalty consumes
 * ReferralRewarded (the advocate's points) and ReferralWelcomeOffered (the friend's welcome offer), crediting each
 * exactly once under the referral id.
 */
const referral = {
  referralId: z.string().min(1),
  code: z.string().min(1),
  advocateCustomerId: z.string().min(1),
  refereeCustomerId: z.string().min(1),
};
const order = { storeId: z.string().min(1), orderId: z.string().min(1) };

const example = { referralId: 'rf_01jd2x8k3v9q7m4c6t5w', code: 'ANNA-7KQ2', advocateCustomerId: 'cust-42', refereeCustomerId: 'cust-77' };

/** A referee was attributed to an advocate's code: by a purchase carrying the code, or by a storefront's signup call. */
export const ReferralAttributed = defineEvent({
  service: 'referrals',
  detailType: 'ReferralAttributed',
  version: 1,
  data: z.object({
    ...referral,
    via: z.enum(['purchase', 'signup']),
    attributedAt: z.iso.datetime({ offset: true }),
    /** Until when a first purchase qualifies (signups; a purchase attribution is its own first purchase). */
    windowEndsAt: z.iso.datetime({ offset: true }).optional(),
  }),
  example: { ...example, via: 'signup', attributedAt: '2026-11-01T10:00:00.000Z', windowEndsAt: '2026-12-01T10:00:00.000Z' },
});

/** The referee's first qualifying purchase was seen; the advocate's reward is held until `holdUntil`. */
export const ReferralPending = defineEvent({
  service: 'referrals',
  detailType: 'ReferralPending',
  version: 1,
  data: z.object({ ...referral, ...order, amountMinor: z.number().int().positive(), currency: z.string().length(3), holdUntil: z.iso.datetime({ offset: true }) }),
  example: { ...example, storeId: 'store-1', orderId: 'order-1001', amountMinor: 40495, currency: 'USD', holdUntil: '2026-11-15T10:00:00.000Z' },
});

/** A fraud rule asked for a marketer's review (the referral waits in the review queue). */
export const ReferralFlagged = defineEvent({
  service: 'referrals',
  detailType: 'ReferralFlagged',
  version: 1,
  data: z.object({ ...referral, rule: z.string().min(1), reason: z.string().min(1) }),
  example: { ...example, rule: 'ipVelocity', reason: '4 referred first purchases from one network today (limit 3)' },
});

/** The qualifying purchase survived the hold period (or a marketer approved a flagged referral). */
export const ReferralQualified = defineEvent({
  service: 'referrals',
  detailType: 'ReferralQualified',
  version: 1,
  data: z.object({ ...referral, ...order, by: z.string().min(1) }),
  example: { ...example, storeId: 'store-1', orderId: 'order-1001', by: 'schedule' },
});

const pointsOffer = z.object({ kind: z.literal('points'), points: z.number().int().positive().max(1_000_000) });
const couponOffer = z.object({ kind: z.literal('coupon'), rewardId: z.string().min(1) });

/** The advocate earned the referral reward: loyalty credits it once (ledger entry `referral`, source the referral id). */
export const ReferralRewarded = defineEvent({
  service: 'referrals',
  detailType: 'ReferralRewarded',
  version: 1,
  data: z.object({ ...referral, reward: z.discriminatedUnion('kind', [pointsOffer, couponOffer]) }),
  example: { ...example, reward: { kind: 'points', points: 500 } },
});

/** The referee (friend) gets the program's welcome offer: loyalty credits the points or issues the coupon, once. */
export const ReferralWelcomeOffered = defineEvent({
  service: 'referrals',
  detailType: 'ReferralWelcomeOffered',
  version: 1,
  data: z.object({ ...referral, offer: z.discriminatedUnion('kind', [pointsOffer, couponOffer]) }),
  example: { ...example, offer: { kind: 'points', points: 200 } },
});

/** A rule or a marketer rejected the referral, or its qualifying purchase was refunded; nothing is rewarded. */
export const ReferralRejected = defineEvent({
  service: 'referrals',
  detailType: 'ReferralRejected',
  version: 1,
  data: z.object({ ...referral, reason: z.string().min(1), rule: z.string().min(1).optional(), by: z.string().min(1) }),
  example: { ...example, reason: 'refunded', rule: 'refund', by: 'purchase-refunded' },
});

/** A signup attribution's window passed without a qualifying purchase. */
export const ReferralExpired = defineEvent({
  service: 'referrals',
  detailType: 'ReferralExpired',
  version: 1,
  data: z.object({ ...referral, windowEndedAt: z.iso.datetime({ offset: true }) }),
  example: { ...example, windowEndedAt: '2026-12-01T10:00:00.000Z' },
});

export const REFERRAL_EVENTS = [ReferralAttributed, ReferralPending, ReferralFlagged, ReferralQualified, ReferralRewarded, ReferralWelcomeOffered, ReferralRejected, ReferralExpired] as const;
