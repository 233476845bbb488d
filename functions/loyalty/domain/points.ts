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
  readonly step: 'base' | 'rule' | 'campaign' | 'tier' | 'bonus' | 'note' | 'limit';
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

/**
 * The most one purchase can earn (10^12 points). Amounts are bounded (10^11 minor units) but a program's rate and
 * multipliers can each reach 100, so the product is capped explicitly — and said so in the explanation — to keep
 * every award, and the account totals it adds to, exact.
 */
export const MAX_AWARD_POINTS = 1_000_000_000_000;
/** The most one purchase counts as qualifying spend, in base-currency minor units. */
export const MAX_BASE_AMOUNT_MINOR = 10_000_000_000_000;

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);

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
  const converted = toBaseMinor(program, purchase.amountMinor, purchase.currency);
  if (converted === undefined) {
    return {
      points: 0,
      baseAmountMinor: 0,
      explanation: [{ step: 'note', description: `No conversion rate for ${purchase.currency} in program: this purchase earns nothing`, points: 0 }],
    };
  }
  const baseExponent = 10n ** BigInt(currencyExponent(program.baseCurrency) ?? 2);
  const rate = hundredths(program.pointsPerUnit);
  const explanation: ExplanationStep[] = [];
  // A conversion at an extreme rate could leave the safe-integer range: qualifying spend counts at most 10^13.
  const baseAmountMinor = Math.min(converted, MAX_BASE_AMOUNT_MINOR);
  // No step may exceed the award cap before its multiplier: then every explained number stays exact.
  const earningBase = minBig(BigInt(baseAmountMinor), (BigInt(MAX_AWARD_POINTS) * baseExponent * 100n) / rate);
  const limit = (value: bigint): bigint => {
    if (value <= BigInt(MAX_AWARD_POINTS)) return value;
    explanation.push({ step: 'limit', description: `capped at ${MAX_AWARD_POINTS} points per purchase`, points: Number(BigInt(MAX_AWARD_POINTS) - value) });
    return BigInt(MAX_AWARD_POINTS);
  };

  // Line items only distribute what was actually paid: their values (and the unitemized rest) share the order's
  // base amount in proportion, so discounted items (items summing to more than the amount) are scaled down and can
  // never earn more than the payment supports.
  const allocation = allocateAmount(earningBase, purchase.amountMinor, purchase.items);
  const groups = new Map<string, { multiplier: bigint | 'excluded'; baseMinor: bigint; labels: string[] }>();
  const addToGroup = (multiplier: bigint | 'excluded', baseMinor: bigint, label?: string) => {
    const key = String(multiplier);
    const group = groups.get(key) ?? { multiplier, baseMinor: 0n, labels: [] };
    group.baseMinor += baseMinor;
    if (label !== undefined && !group.labels.includes(label)) group.labels.push(label);
    groups.set(key, group);
  };
  purchase.items.forEach((item, index) => {
    const share = allocation.itemShares[index];
    if (share === undefined) return;
    const matching = (program.rules ?? []).filter(
      (rule) => (rule.kind === 'category' && rule.category === item.category) || (rule.kind === 'sku' && rule.sku === item.sku),
    );
    const label = item.sku ?? item.category ?? 'item';
    if (matching.some((rule) => rule.exclude)) return addToGroup('excluded', share, label);
    // Several matching rules do not compound: the most generous one applies, so no combination of rules can
    // multiply an award beyond the program's largest rule multiplier.
    const multipliers = matching.flatMap((rule) => (rule.multiplier === undefined ? [] : [hundredths(rule.multiplier)]));
    const multiplier = multipliers.length === 0 ? 100n : multipliers.reduce((best, candidate) => (candidate > best ? candidate : best));
    addToGroup(multiplier, share, multiplier === 100n ? undefined : label);
  });
  addToGroup(100n, allocation.restMinor);

  // Base points per group first (whole points), then the group's multiplier: an order whose items all share one
  // multiplier earns exactly the unitemized award times that multiplier.
  const basePointsFor = (baseMinor: bigint) => (baseMinor * rate) / (baseExponent * 100n);
  const basePoints = Number(basePointsFor(earningBase));
  explanation.push({
    step: 'base',
    description: `${formatMinor(baseAmountMinor, program.baseCurrency)} ${program.baseCurrency}${purchase.currency === program.baseCurrency ? '' : ` (from ${formatMinor(purchase.amountMinor, purchase.currency)} ${purchase.currency} at ${program.currencyRates?.[purchase.currency]})`} × ${program.pointsPerUnit} point${program.pointsPerUnit === 1 ? '' : 's'} per ${program.baseCurrency}`,
    points: basePoints,
  });
  if (earningBase < BigInt(baseAmountMinor)) {
    explanation.push({ step: 'note', description: `only ${formatMinor(earningBase, program.baseCurrency)} ${program.baseCurrency} of it can earn: an award is at most ${MAX_AWARD_POINTS} points`, points: 0 });
  }
  if (allocation.scaled) {
    explanation.push({
      step: 'note',
      description: `Line items total ${formatMinor(allocation.itemsTotalMinor, purchase.currency)} ${purchase.currency} but ${formatMinor(purchase.amountMinor, purchase.currency)} was paid: item values were scaled down to the amount paid`,
      points: 0,
    });
  }
  let points = 0n;
  for (const group of groups.values()) {
    const groupBase = basePointsFor(group.baseMinor);
    if (group.multiplier === 'excluded') {
      if (group.baseMinor > 0n) explanation.push({ step: 'rule', description: `${describeLabels(group.labels)} excluded from earning`, points: -Number(groupBase) });
      continue;
    }
    const groupPoints = (groupBase * group.multiplier) / 100n;
    points += groupPoints;
    if (group.multiplier !== 100n) {
      explanation.push({ step: 'rule', description: `${describeLabels(group.labels)} ×${Number(group.multiplier) / 100}`, points: Number(groupPoints - groupBase) });
    }
  }
  // Whole points are taken per group, so the groups can add up to a point or two less than the whole amount would.
  const roundingDelta = Number(points) - explanation.reduce((sum, step) => sum + step.points, 0);
  if (roundingDelta !== 0) explanation.push({ step: 'rule', description: 'rounding to whole points per item group', points: roundingDelta });
  points = limit(points);

  const at = Date.parse(purchase.occurredAt);
  const campaigns = (program.campaigns ?? []).filter(
    (campaign) => Date.parse(campaign.startsAt) <= at && at < Date.parse(campaign.endsAt) && (!campaign.tiers || campaign.tiers.includes(customer.tierName)),
  );
  // Overlapping multiplier campaigns do not compound either: the largest one applies.
  const campaign = campaigns
    .filter((candidate) => candidate.multiplier !== undefined)
    .reduce<(typeof campaigns)[number] | undefined>((best, candidate) => (best && (best.multiplier as number) >= (candidate.multiplier as number) ? best : candidate), undefined);
  if (campaign) {
    const before = points;
    points = (points * hundredths(campaign.multiplier as number)) / 100n;
    explanation.push({ step: 'campaign', description: `${campaign.name} ×${campaign.multiplier}`, points: Number(points - before) });
    points = limit(points);
  }
  if (customer.tierMultiplier !== 1) {
    const before = points;
    points = (points * hundredths(customer.tierMultiplier)) / 100n;
    explanation.push({ step: 'tier', description: `${customer.tierName} tier ×${customer.tierMultiplier}`, points: Number(points - before) });
    points = limit(points);
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
  points = limit(points);
  return { points: Number(points), baseAmountMinor, explanation };
}

/**
 * Shares a base-currency amount among the priced line items and the unitemized rest, in proportion to their values
 * in the order's currency (largest remainder, so the shares add up to the amount exactly). The rest is what the
 * order amount exceeds the items by; when the items exceed the amount (discounts), there is no rest and every item
 * is scaled down. All in BigInt: unit price × quantity may exceed 2^53.
 */
export function allocateAmount(
  baseAmountMinor: number | bigint,
  amountMinor: number,
  items: PurchaseForPoints['items'],
): { itemShares: (bigint | undefined)[]; restMinor: bigint; scaled: boolean; itemsTotalMinor: bigint } {
  const values = items.map((item) => (item.unitPriceMinor === undefined ? undefined : BigInt(item.unitPriceMinor) * BigInt(item.quantity)));
  const itemsTotal = values.reduce<bigint>((sum, value) => sum + (value ?? 0n), 0n);
  const amount = BigInt(amountMinor);
  const rest = amount > itemsTotal ? amount - itemsTotal : 0n;
  const weights = [...values.map((value) => value ?? 0n), rest];
  const totalWeight = itemsTotal + rest;
  const base = BigInt(baseAmountMinor);
  if (totalWeight === 0n) return { itemShares: values.map(() => undefined), restMinor: base, scaled: false, itemsTotalMinor: 0n };
  const shares = weights.map((weight) => (base * weight) / totalWeight);
  let remainder = base - shares.reduce((sum, share) => sum + share, 0n);
  // Hand the units lost to flooring to the largest fractional parts (ties: earliest), one each.
  const order = weights
    .map((weight, index) => ({ index, fraction: (base * weight) % totalWeight }))
    .sort((a, b) => (a.fraction === b.fraction ? a.index - b.index : a.fraction > b.fraction ? -1 : 1));
  for (const { index } of order) {
    if (remainder <= 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    remainder -= 1n;
  }
  return {
    itemShares: values.map((value, index) => (value === undefined ? undefined : (shares[index] ?? 0n))),
    restMinor: shares[weights.length - 1] ?? 0n,
    scaled: itemsTotal > amount,
    itemsTotalMinor: itemsTotal,
  };
}

function describeLabels(labels: string[]): string {
  if (labels.length === 0) return 'items';
  return labels.length <= 3 ? labels.join(', ') : `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more`;
}
