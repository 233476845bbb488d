import * as z from 'zod';
import { currencyExponent, isKnownCurrency } from '../../../shared/domain/currencies';
import { describeAmountFailure, parseMajorAmount } from '../../../shared/domain/money';

/**
 * The loyalty program a marketer configures (PUT /v1/program). Rates and multipliers are decimals with at most
 * two (multipliers, points per unit) or six (currency rates) places, kept as integers so every award is exact.
 */
const multiplier = z
  .number({ error: 'must be a number' })
  .positive('must be greater than zero')
  .max(100, 'must be at most 100')
  .refine((value) => Number.isInteger(Math.round(value * 100)) && Math.abs(value * 100 - Math.round(value * 100)) < 1e-9, 'must have at most 2 decimal places');
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits or . _ : -');
const name = z.string().trim().min(1, 'must not be empty').max(64);
const days = (max: number) => z.number().int('must be a whole number of days').min(0).max(max);
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an upper-case ISO 4217 code').refine(isKnownCurrency, 'is not an active ISO 4217 currency code');
const decimalRate = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,6})?$/, 'must be a decimal string with at most 6 decimal places, like "1.08"')
  .refine((value) => Number(value) > 0, 'must be greater than zero');

const rule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('category'), category: name, multiplier: multiplier.optional(), exclude: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('sku'), sku: name, multiplier: multiplier.optional(), exclude: z.boolean().optional() }),
]);

const campaign = z
  .strictObject({
    id,
    name,
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    multiplier: multiplier.optional(),
    bonusPoints: z.number().int().positive().max(10_000_000).optional(),
    tiers: z.array(name).min(1).optional(),
  })
  .refine((value) => Date.parse(value.endsAt) > Date.parse(value.startsAt), { path: ['endsAt'], message: 'must be after startsAt' })
  .refine((value) => (value.multiplier === undefined) !== (value.bonusPoints === undefined), {
    path: ['multiplier'],
    message: 'set exactly one of multiplier and bonusPoints',
  });

const tier = z.strictObject({
  name,
  /** Qualifying spend (base currency, major units) from which the tier applies. */
  threshold: z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be a decimal string like "500.00"'),
  multiplier,
  benefits: z.string().max(500).optional(),
});

export const programInput = z
  .strictObject({
    baseCurrency: currency,
    pointsPerUnit: multiplier,
    currencyRates: z.record(currency, decimalRate).optional(),
    rules: z.array(rule).max(200).optional(),
    campaigns: z.array(campaign).max(50).optional(),
    bonuses: z.strictObject({ firstPurchase: z.strictObject({ points: z.number().int().positive().max(10_000_000) }).optional() }).optional(),
    pendingDays: days(365),
    expiryDays: days(3650).refine((value) => value >= 1, 'must be at least 1'),
    expiryReminderDays: days(365),
    tiers: z.array(tier).min(1).max(20),
    tierWindowDays: days(3650).refine((value) => value >= 1, 'must be at least 1'),
    tierDowngrade: z.enum(['none', 'reevaluate']),
    refundPolicy: z.enum(['within_balance', 'allow_negative']).default('within_balance'),
  })
  .superRefine((program, ctx) => {
    const names = program.tiers.map((entry) => entry.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'tier names must be unique' });
    const thresholds = program.tiers.map((entry) => Number(entry.threshold));
    if (thresholds[0] !== 0) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'threshold'], message: 'the first tier must start at "0"' });
    for (let index = 1; index < thresholds.length; index++) {
      if ((thresholds[index] ?? 0) <= (thresholds[index - 1] ?? 0)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'threshold'], message: 'thresholds must increase from tier to tier' });
      }
    }
    program.tiers.forEach((entry, index) => {
      const parsed = parseMajorAmount(entry.threshold === '0' ? '0.01' : entry.threshold, program.baseCurrency);
      if (!parsed.ok && parsed.failure.kind === 'too-many-decimals') {
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'threshold'], message: `${program.baseCurrency} allows ${currencyExponent(program.baseCurrency)} decimal places` });
      }
      if (!parsed.ok && parsed.failure.kind === 'too-large') {
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'threshold'], message: describeAmountFailure(parsed.failure, program.baseCurrency) });
      }
    });
    if (program.currencyRates?.[program.baseCurrency]) {
      ctx.addIssue({ code: 'custom', path: ['currencyRates', program.baseCurrency], message: 'the base currency needs no rate' });
    }
    for (const [index, entry] of (program.campaigns ?? []).entries()) {
      for (const [tierIndex, tierName] of (entry.tiers ?? []).entries()) {
        if (!names.includes(tierName)) ctx.addIssue({ code: 'custom', path: ['campaigns', index, 'tiers', tierIndex], message: `no tier named ${tierName}` });
      }
    }
    if (program.expiryReminderDays >= program.expiryDays) {
      ctx.addIssue({ code: 'custom', path: ['expiryReminderDays'], message: 'must be less than expiryDays' });
    }
  });

export type ProgramInput = z.output<typeof programInput>;

/** A saved program as stored and served: the input's fields (without the input-only cross-field checks) and its version. */
export const storedProgram = z.object({
  ...programInput.shape,
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime({ offset: true }),
  updatedBy: z.string(),
});

export interface Program extends ProgramInput {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** The program the local runtime starts with; merchants replace it with PUT /v1/program. */
export const DEMO_PROGRAM: ProgramInput = {
  baseCurrency: 'USD',
  pointsPerUnit: 1,
  currencyRates: { EUR: '1.08', GBP: '1.27', CAD: '0.73' },
  rules: [
    { kind: 'category', category: 'gift-cards', exclude: true },
    { kind: 'category', category: 'sustainable', multiplier: 2 },
  ],
  campaigns: [],
  bonuses: { firstPurchase: { points: 50 } },
  pendingDays: 14,
  expiryDays: 365,
  expiryReminderDays: 30,
  tiers: [
    { name: 'Bronze', threshold: '0', multiplier: 1, benefits: 'Earn 1 point per dollar' },
    { name: 'Silver', threshold: '500.00', multiplier: 1.25, benefits: '25% more points, free shipping' },
    { name: 'Gold', threshold: '2000.00', multiplier: 1.5, benefits: '50% more points, early access' },
  ],
  tierWindowDays: 365,
  tierDowngrade: 'reevaluate',
  refundPolicy: 'within_balance',
};

/** Hundredths, for exact integer arithmetic on two-decimal multipliers. */
export function hundredths(value: number): bigint {
  return BigInt(Math.round(value * 100));
}

/** A tier's threshold in base-currency minor units. */
export function thresholdMinor(program: Pick<ProgramInput, 'baseCurrency'>, threshold: string): number {
  if (Number(threshold) === 0) return 0;
  const parsed = parseMajorAmount(threshold, program.baseCurrency);
  if (!parsed.ok) throw new Error(`invalid tier threshold ${threshold}`);
  return parsed.money.amountMinor;
}

/** The tier a qualifying spend reaches (tiers ascend by threshold; the first starts at 0). */
export function tierForSpend(program: ProgramInput, spendMinor: number): ProgramInput['tiers'][number] {
  let reached = program.tiers[0];
  for (const candidate of program.tiers) if (spendMinor >= thresholdMinor(program, candidate.threshold)) reached = candidate;
  if (!reached) throw new Error('a program has at least one tier');
  return reached;
}

export function tierRank(program: ProgramInput, tierName: string | undefined): number {
  return tierName === undefined ? -1 : program.tiers.findIndex((candidate) => candidate.name === tierName);
}
