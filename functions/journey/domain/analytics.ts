import { COHORT_MONTHS, dayOf, monthsBetween, STAGES, type JourneyState, type Stage } from './journey';

/**
 * Analytics as counters, maintained incrementally: each customer's state contributes a fixed set of counts (one to
 * the day each milestone was reached, one to their cohort and each later month they bought in, one to the day of
 * their last purchase, their totals). When a fact changes the state, the consumer adds the difference between the
 * contributions after and before, in the transaction that stores the state — so the counters always equal the sum
 * over customers, whatever order events arrived in, and reports read counters (a Query per shard), never a Scan.
 */
export type CounterGroup = 'funnel' | 'cohort' | 'activity' | 'totals';

/** A counter cell: an attribute of the item `<group>` / `<key>` (in the customer's shard). */
export interface CounterCell {
  readonly group: CounterGroup;
  readonly key: string;
  readonly attribute: string;
}

export type Contributions = ReadonlyMap<string, number>;

const cellId = (cell: CounterCell) => `${cell.group}|${cell.key}|${cell.attribute}`;
export function cellOf(id: string): CounterCell {
  const [group, key, attribute] = id.split('|') as [CounterGroup, string, string];
  return { group, key, attribute };
}

/** The totals each customer adds to (the overview); names are the counter attributes. */
export const TOTALS = [
  'members',
  'purchasers',
  'repeaters',
  'purchases',
  'npsPromoters',
  'npsPassives',
  'npsDetractors',
  'refereesAttributed',
  'refereesConverted',
  'referralsRewarded',
  'testimonialsApproved',
  'pointsAvailable',
  'pointsPending',
  'pointsEarned',
  'pointsRedeemed',
  'atRisk',
  'lapsed',
] as const;
export type Total = (typeof TOTALS)[number];

export function contributions(state: JourneyState | undefined): Contributions {
  const cells = new Map<string, number>();
  if (!state || state.version === 0) return cells;
  const add = (group: CounterGroup, key: string, attribute: string, value: number) => {
    if (value !== 0) cells.set(cellId({ group, key, attribute }), (cells.get(cellId({ group, key, attribute })) ?? 0) + value);
  };
  for (const stage of STAGES) {
    const milestone = state.milestones[stage];
    if (milestone) add('funnel', dayOf(milestone.at), stage, 1);
  }
  if (state.stage) add('totals', 'TOTALS', `stage_${state.stage}`, 1);
  const [firstMonth] = state.purchaseMonths;
  if (firstMonth) {
    add('cohort', firstMonth, 'customers', 1);
    for (const month of state.purchaseMonths) {
      const offset = monthsBetween(firstMonth, month);
      if (offset >= 1 && offset <= COHORT_MONTHS) add('cohort', firstMonth, `m${offset}`, 1);
    }
  }
  const last = state.purchaseTimes.at(-1);
  if (last) add('activity', dayOf(last), 'customers', 1);
  const totals: Record<Total, number> = {
    members: 1,
    purchasers: state.purchaseCount >= 1 ? 1 : 0,
    repeaters: state.purchaseCount >= 2 ? 1 : 0,
    purchases: state.purchaseCount,
    npsPromoters: state.answers.promoter,
    npsPassives: state.answers.passive,
    npsDetractors: state.answers.detractor,
    refereesAttributed: state.attributed ? 1 : 0,
    refereesConverted: state.attributed && state.purchaseCount >= 1 ? 1 : 0,
    referralsRewarded: state.referralsRewarded,
    testimonialsApproved: state.testimonialsApproved,
    pointsAvailable: state.balance?.available ?? 0,
    pointsPending: state.balance?.pending ?? 0,
    pointsEarned: state.pointsEarned,
    pointsRedeemed: state.pointsRedeemed,
    atRisk: state.churn?.overlay === 'at_risk' ? 1 : 0,
    lapsed: state.churn?.overlay === 'lapsed' ? 1 : 0,
  };
  for (const name of TOTALS) add('totals', 'TOTALS', name, totals[name]);
  return cells;
}

/** What to add to each counter item so the counters go from `before`'s contributions to `after`'s. */
export interface CounterChange {
  readonly group: CounterGroup;
  readonly key: string;
  readonly add: Readonly<Record<string, number>>;
}

export function counterChanges(before: Contributions, after: Contributions): CounterChange[] {
  const byItem = new Map<string, { group: CounterGroup; key: string; add: Record<string, number> }>();
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const delta = (after.get(id) ?? 0) - (before.get(id) ?? 0);
    if (delta === 0) continue;
    const cell = cellOf(id);
    const itemId = `${cell.group}|${cell.key}`;
    const entry = byItem.get(itemId) ?? { group: cell.group, key: cell.key, add: {} };
    entry.add[cell.attribute] = delta;
    byItem.set(itemId, entry);
  }
  return [...byItem.values()];
}

/** A counter item as read: its key and its attributes (summed over shards by the store). */
export interface CounterRow {
  readonly key: string;
  readonly values: Readonly<Record<string, number>>;
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? Math.round((numerator / denominator) * 10_000) / 10_000 : 0);

export interface FunnelReport {
  readonly from: string;
  readonly to: string;
  readonly stages: { readonly stage: Stage; readonly entered: number; readonly conversionFromPrevious: number | null }[];
}

/** Customers who reached each stage on a day from..to, and each stage's count over the one before it. */
export function funnelReport(rows: readonly CounterRow[], from: string, to: string): FunnelReport {
  const entered = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as Record<Stage, number>;
  for (const row of rows) for (const stage of STAGES) entered[stage] += row.values[stage] ?? 0;
  return {
    from,
    to,
    stages: STAGES.map((stage, index) => ({ stage, entered: entered[stage], conversionFromPrevious: index === 0 ? null : ratio(entered[stage], entered[STAGES[index - 1] as Stage]) })),
  };
}

export interface CohortReport {
  readonly by: 'month';
  readonly metric: 'repeat_purchase';
  readonly cohorts: { readonly month: string; readonly customers: number; readonly retention: { readonly offset: number; readonly customers: number; readonly share: number }[] }[];
}

/**
 * The retention triangle: per first-purchase month, the share of its customers who purchased again in month 1, 2, …
 * after it, up to the month `asOf` is in (later cells do not exist yet, so the triangle has no zeros for the future).
 */
export function cohortReport(rows: readonly CounterRow[], asOfMonth: string): CohortReport {
  return {
    by: 'month',
    metric: 'repeat_purchase',
    cohorts: [...rows]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((row) => {
        const customers = row.values.customers ?? 0;
        const last = Math.min(COHORT_MONTHS, monthsBetween(row.key, asOfMonth));
        const retention = Array.from({ length: Math.max(0, last) }, (_, index) => {
          const count = row.values[`m${index + 1}`] ?? 0;
          return { offset: index + 1, customers: count, share: ratio(count, customers) };
        });
        return { month: row.key, customers, retention };
      })
      .filter((cohort) => cohort.customers > 0),
  };
}

export interface OverviewReport {
  readonly asOf: string;
  readonly members: number;
  readonly purchasers: number;
  readonly active30Days: number;
  readonly active90Days: number;
  readonly repeatPurchaseRate: number;
  readonly purchases: number;
  readonly stages: Record<Stage, number>;
  readonly pointsLiability: { readonly available: number; readonly pending: number; readonly total: number };
  readonly pointsEarned: number;
  readonly pointsRedeemed: number;
  readonly redemptionRate: number;
  readonly nps: { readonly responses: number; readonly promoters: number; readonly passives: number; readonly detractors: number; readonly score: number | null };
  readonly referrals: { readonly refereesAttributed: number; readonly refereesConverted: number; readonly conversionRate: number; readonly rewarded: number };
  readonly testimonialsApproved: number;
  readonly atRisk: number;
  readonly lapsed: number;
}

/** Customers whose last purchase fell within the `days` days ending on `asOf`'s day (inclusive). */
export function activeWithin(activity: readonly CounterRow[], asOf: string, days: number): number {
  const end = dayOf(asOf);
  const start = dayOf(new Date(Date.parse(`${end}T00:00:00.000Z`) - (days - 1) * 86_400_000).toISOString());
  return activity.filter((row) => row.key >= start && row.key <= end).reduce((sum, row) => sum + (row.values.customers ?? 0), 0);
}

export function overviewReport(totals: Readonly<Record<string, number>>, activity: readonly CounterRow[], asOf: string): OverviewReport {
  const value = (name: string) => totals[name] ?? 0;
  const promoters = value('npsPromoters');
  const passives = value('npsPassives');
  const detractors = value('npsDetractors');
  const responses = promoters + passives + detractors;
  return {
    asOf,
    members: value('members'),
    purchasers: value('purchasers'),
    active30Days: activeWithin(activity, asOf, 30),
    active90Days: activeWithin(activity, asOf, 90),
    repeatPurchaseRate: ratio(value('repeaters'), value('purchasers')),
    purchases: value('purchases'),
    stages: Object.fromEntries(STAGES.map((stage) => [stage, value(`stage_${stage}`)])) as Record<Stage, number>,
    pointsLiability: { available: value('pointsAvailable'), pending: value('pointsPending'), total: value('pointsAvailable') + value('pointsPending') },
    pointsEarned: value('pointsEarned'),
    pointsRedeemed: value('pointsRedeemed'),
    redemptionRate: ratio(value('pointsRedeemed'), value('pointsEarned')),
    nps: { responses, promoters, passives, detractors, score: responses > 0 ? Math.round(((promoters - detractors) / responses) * 100) : null },
    referrals: {
      refereesAttributed: value('refereesAttributed'),
      refereesConverted: value('refereesConverted'),
      conversionRate: ratio(value('refereesConverted'), value('refereesAttributed')),
      rewarded: value('referralsRewarded'),
    },
    testimonialsApproved: value('testimonialsApproved'),
    atRisk: value('atRisk'),
    lapsed: value('lapsed'),
  };
}

/** RFC 4180 CSV: a header row, then one row per record; fields with commas, quotes or line breaks are quoted. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const field = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

export function funnelCsv(report: FunnelReport): string {
  return toCsv(['stage', 'entered', 'conversion_from_previous'], report.stages.map((row) => [row.stage, row.entered, row.conversionFromPrevious]));
}

export function cohortCsv(report: CohortReport): string {
  return toCsv(
    ['cohort_month', 'customers', 'offset_month', 'repeat_customers', 'share'],
    report.cohorts.flatMap((cohort) => cohort.retention.map((cell) => [cohort.month, cohort.customers, cell.offset, cell.customers, cell.share])),
  );
}

export function overviewCsv(report: OverviewReport): string {
  const flat: [string, number | null][] = [
    ['members', report.members],
    ['purchasers', report.purchasers],
    ['active_30_days', report.active30Days],
    ['active_90_days', report.active90Days],
    ['repeat_purchase_rate', report.repeatPurchaseRate],
    ['purchases', report.purchases],
    ...STAGES.map((stage): [string, number] => [`stage_${stage}`, report.stages[stage]]),
    ['points_liability_available', report.pointsLiability.available],
    ['points_liability_pending', report.pointsLiability.pending],
    ['points_liability_total', report.pointsLiability.total],
    ['points_earned', report.pointsEarned],
    ['points_redeemed', report.pointsRedeemed],
    ['redemption_rate', report.redemptionRate],
    ['nps_responses', report.nps.responses],
    ['nps', report.nps.score],
    ['referees_attributed', report.referrals.refereesAttributed],
    ['referees_converted', report.referrals.refereesConverted],
    ['referral_conversion_rate', report.referrals.conversionRate],
    ['testimonials_approved', report.testimonialsApproved],
    ['at_risk', report.atRisk],
    ['lapsed', report.lapsed],
  ];
  return toCsv(['metric', 'value'], flat);
}
