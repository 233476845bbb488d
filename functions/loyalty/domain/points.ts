import { currencyExponent } from '../../../shared/domain/currencies';
import { formatMinor } from '../../../shared/domain/money';
import { hundredths, type ProgramInput } from './program';

/**
 * How many points a purchase earns, and why — every step recorded so the ledger explains its numbers.
 * Order: base rate per item (category/SKU multipliers or exclusions; the unitemized rest at the base rate),
 * campaign multipliers, the customer's tier multiplier, then fixed bonuses (campaigns, first purchase).
 * All arithmetic is on integers (BigInt); fractions of points are dropped once, at each step's end.
 */
export interface PurchaseForPoints {
  readonly amountMinor: number;
  readonly currency: string;
  readonly items: readonly { sku?: string; category?: string; quantity: number; unitPriceMinor?: number }[];
  readonly occurredAt: string;
}

export interface ExplanationStep {
  readonly step: 'base' | 'rule' | 'campaign' | 'tier' | 'bonus' | 'note';
  readonly description: string;
  readonly points: number;
}

export interface Award {
  readonly points: number;
  /** The purchase in base-currency minor units (qualifying spend for tiers); 0 when it cannot be converted. */
  readonly baseAmountMinor: number;
  readonly explanation: ExplanationStep[];
}

const MICRO = 1_000_000n;

/** Converts an amount to base-currency minor units with the program's rate; undefined when there is no rate. */
export function toBaseMinor(program: ProgramInput, amountMinor: number, currency: string): number | undefined {
  if (currency === program.baseCurrency) return amountMinor;
  const rate = program.currencyRates?.[currency];
  if (!rate) return undefined;
  const [whole = '0', fraction = ''] = rate.split('.');
  const rateMicro = BigInt(whole) * MICRO + BigInt(fraction.padEnd(6, '0'));
  const fromExponent = BigInt(currencyExponent(currency) ?? 2);
  const toExponent = BigInt(currencyExponent(program.baseCurrency) ?? 2);
  return Number((BigInt(amountMinor) * rateMicro * 10n ** toExponent) / (10n ** fromExponent * MICRO));
}

export function computeAward(
  program: ProgramInput,
  purchase: PurchaseForPoints,
  customer: { tierName: string; tierMultiplier: number; firstPurchase: boolean },
): Award {
  const baseAmountMinor = toBaseMinor(program, purchase.amountMinor, purchase.currency);
  if (baseAmountMinor === undefined) {
    return {
      points: 0,
      baseAmountMinor: 0,
      explanation: [{ step: 'note', description: `No conversion rate for ${purchase.currency} in program: this purchase earns nothing`, points: 0 }],
    };
  }
  const baseExponent = 10n ** BigInt(currencyExponent(program.baseCurrency) ?? 2);
  const rate = hundredths(program.pointsPerUnit);
  // Points (in hundredths of hundredths) for a base-currency amount with a multiplier in hundredths.
  const pointsFor = (baseMinor: number, multiplierHundredths: bigint) => (BigInt(baseMinor) * rate * multiplierHundredths) / (baseExponent * 100n * 100n);
  const explanation: ExplanationStep[] = [];

  let itemizedBase = 0;
  let points = 0n;
  const ruleSteps: ExplanationStep[] = [];
  for (const item of purchase.items) {
    if (item.unitPriceMinor === undefined) continue;
    const itemBase = toBaseMinor(program, item.unitPriceMinor * item.quantity, purchase.currency) ?? 0;
    itemizedBase += itemBase;
    const matching = (program.rules ?? []).filter(
      (rule) => (rule.kind === 'category' && rule.category === item.category) || (rule.kind === 'sku' && rule.sku === item.sku),
    );
    const label = item.sku ?? item.category ?? 'item';
    if (matching.some((rule) => rule.exclude)) {
      ruleSteps.push({ step: 'rule', description: `${label} excluded from earning`, points: 0 });
      continue;
    }
    const multiplier = matching.reduce((product, rule) => (rule.multiplier ? (product * hundredths(rule.multiplier)) / 100n : product), 100n);
    const itemPoints = pointsFor(itemBase, multiplier);
    points += itemPoints;
    if (multiplier !== 100n) ruleSteps.push({ step: 'rule', description: `${label} ×${Number(multiplier) / 100}`, points: Number(itemPoints - pointsFor(itemBase, 100n)) });
  }
  const unitemized = Math.max(0, baseAmountMinor - itemizedBase);
  const unitemizedPoints = pointsFor(unitemized, 100n);
  points += unitemizedPoints;
  const basePoints = Number(pointsFor(baseAmountMinor, 100n));
  explanation.push({
    step: 'base',
    description: `${formatMinor(baseAmountMinor, program.baseCurrency)} ${program.baseCurrency}${purchase.currency === program.baseCurrency ? '' : ` (from ${formatMinor(purchase.amountMinor, purchase.currency)} ${purchase.currency} at ${program.currencyRates?.[purchase.currency]})`} × ${program.pointsPerUnit} point${program.pointsPerUnit === 1 ? '' : 's'} per ${program.baseCurrency}`,
    points: basePoints,
  });
  explanation.push(...ruleSteps);
  // Exclusions and multipliers change the base; record the difference so the steps add up.
  const afterRules = Number(points);
  const ruleDelta = afterRules - basePoints - ruleSteps.reduce((sum, step) => sum + step.points, 0);
  if (ruleDelta !== 0) explanation.push({ step: 'rule', description: 'excluded items earn nothing', points: ruleDelta });

  const at = Date.parse(purchase.occurredAt);
  const campaigns = (program.campaigns ?? []).filter(
    (campaign) => Date.parse(campaign.startsAt) <= at && at < Date.parse(campaign.endsAt) && (!campaign.tiers || campaign.tiers.includes(customer.tierName)),
  );
  for (const campaign of campaigns.filter((candidate) => candidate.multiplier !== undefined)) {
    const before = points;
    points = (points * hundredths(campaign.multiplier as number)) / 100n;
    explanation.push({ step: 'campaign', description: `${campaign.name} ×${campaign.multiplier}`, points: Number(points - before) });
  }
  if (customer.tierMultiplier !== 1) {
    const before = points;
    points = (points * hundredths(customer.tierMultiplier)) / 100n;
    explanation.push({ step: 'tier', description: `${customer.tierName} tier ×${customer.tierMultiplier}`, points: Number(points - before) });
  }
  for (const campaign of campaigns.filter((candidate) => candidate.bonusPoints !== undefined)) {
    points += BigInt(campaign.bonusPoints as number);
    explanation.push({ step: 'bonus', description: `${campaign.name} bonus`, points: campaign.bonusPoints as number });
  }
  const firstPurchase = program.bonuses?.firstPurchase;
  if (firstPurchase && customer.firstPurchase) {
    points += BigInt(firstPurchase.points);
    explanation.push({ step: 'bonus', description: 'First purchase bonus', points: firstPurchase.points });
  }
  return { points: Number(points), baseAmountMinor, explanation };
}
