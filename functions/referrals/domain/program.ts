import * as z from 'zod';
import { isKnownCurrency } from '../../../shared/domain/currencies';
import { parseMajorAmount } from '../../../shared/domain/money';

/**
 * The referral program a marketer configures (PUT /v1/referral-program), versioned like the loyalty program: every
 * save is a new version and each referral records the version that judged it. Every fraud rule can be switched off
 * and tuned; every decision names the rule that made it.
 */
const days = (min: number, max: number) => z.number().int('must be a whole number of days').min(min).max(max);
const rewardId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits or . _ : -');

/** Points, or a reward from the loyalty catalog (issued as a coupon costing no points). */
export const offer = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('points'), points: z.number().int('must be a whole number of points').positive('must be at least 1').max(1_000_000) }),
  z.strictObject({ kind: z.literal('coupon'), rewardId }),
]);
export type Offer = z.output<typeof offer>;

const landingUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .max(2000)
  .refine((value) => {
    // Runs even when z.url already refused the value: an unparseable one is that refusal's, not a second error.
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'must use https (http only for localhost)');

const velocityRule = z.strictObject({ enabled: z.boolean(), maxPerDay: z.number().int().min(1).max(10_000) });

export const referralProgramInput = z
  .strictObject({
    /** Off: codes still resolve and links still redirect, but nothing new is attributed. */
    active: z.boolean(),
    /** Where share links send the friend (with ?ref=<code>). */
    landingUrl,
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    /** Default prefix of personal codes when the caller names none (e.g. FRIEND-7KQ2M9). */
    codePrefix: z.string().regex(/^[A-Z]{2,12}$/, 'must be 2-12 upper-case letters A-Z').default('FRIEND'),
    /** How long a signup attribution waits for the friend's first purchase. */
    attributionWindowDays: days(1, 365),
    /** How long the qualifying purchase must survive (unrefunded) before the advocate is rewarded. */
    holdDays: days(0, 365),
    minimumOrder: z.strictObject({ amount: z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be a decimal string like "25.00"'), currency: z.string().regex(/^[A-Z]{3}$/).refine(isKnownCurrency, 'is not an active ISO 4217 currency code') }).optional(),
    advocateReward: offer,
    refereeReward: z.strictObject({ offer, when: z.enum(['attribution', 'first_purchase', 'qualified']) }).optional(),
    limits: z.strictObject({ maxRewardsPerAdvocatePer30Days: z.number().int().min(1).max(10_000) }),
    rules: z.strictObject({
      selfReferral: z.strictObject({ enabled: z.boolean() }),
      existingCustomer: z.strictObject({ enabled: z.boolean() }),
      /** More than maxPerDay referred first purchases from one network (salted IP hash) in a UTC day: flagged. */
      ipVelocity: velocityRule,
      /** More than maxPerDay referred first purchases for one advocate in a UTC day: flagged. */
      advocateVelocity: velocityRule,
    }),
    /** Clicks counted per network per hour on share links (more still redirect, uncounted). */
    clicksPerIpPerHour: z.number().int().min(1).max(10_000).default(30),
  })
  .superRefine((program, ctx) => {
    if (program.startsAt && program.endsAt && Date.parse(program.endsAt) <= Date.parse(program.startsAt)) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    if (program.minimumOrder) {
      const parsed = parseMajorAmount(program.minimumOrder.amount, program.minimumOrder.currency);
      if (!parsed.ok && Number(program.minimumOrder.amount) !== 0) ctx.addIssue({ code: 'custom', path: ['minimumOrder', 'amount'], message: `is not a valid ${program.minimumOrder.currency} amount` });
    }
  });

export type ReferralProgramInput = z.output<typeof referralProgramInput>;

export const storedReferralProgram = z.object({
  ...referralProgramInput.shape,
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime({ offset: true }),
  updatedBy: z.string(),
});

export interface ReferralProgram extends ReferralProgramInput {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** The minimum qualifying order in minor units of its currency (0 when the program sets none). */
export function minimumOrderMinor(program: Pick<ReferralProgramInput, 'minimumOrder'>): { amountMinor: number; currency: string } | undefined {
  if (!program.minimumOrder) return undefined;
  const parsed = parseMajorAmount(program.minimumOrder.amount, program.minimumOrder.currency);
  return { amountMinor: parsed.ok ? parsed.money.amountMinor : 0, currency: program.minimumOrder.currency };
}

/** Whether the program takes new attributions at `at`. */
export function programOpen(program: ReferralProgramInput, at: string): { open: true } | { open: false; reason: string } {
  if (!program.active) return { open: false, reason: 'the referral program is not active' };
  // Instants, not strings: the schema accepts offsets (+05:00) and optional fractions, which do not sort as text.
  const instant = Date.parse(at);
  if (program.startsAt && instant < Date.parse(program.startsAt)) return { open: false, reason: `the referral program starts at ${program.startsAt}` };
  if (program.endsAt && instant >= Date.parse(program.endsAt)) return { open: false, reason: `the referral program ended at ${program.endsAt}` };
  return { open: true };
}

/** The program the local runtime starts with; merchants replace it with PUT /v1/referral-program. */
export const DEMO_REFERRAL_PROGRAM: ReferralProgramInput = {
  active: true,
  landingUrl: 'https://shop.example.com/',
  codePrefix: 'FRIEND',
  attributionWindowDays: 30,
  holdDays: 14,
  minimumOrder: { amount: '20.00', currency: 'USD' },
  advocateReward: { kind: 'points', points: 500 },
  refereeReward: { offer: { kind: 'points', points: 200 }, when: 'first_purchase' },
  limits: { maxRewardsPerAdvocatePer30Days: 10 },
  rules: {
    selfReferral: { enabled: true },
    existingCustomer: { enabled: true },
    ipVelocity: { enabled: true, maxPerDay: 3 },
    advocateVelocity: { enabled: true, maxPerDay: 10 },
  },
  clicksPerIpPerHour: 30,
};
