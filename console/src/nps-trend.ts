import type { paths } from '../../client/src/index.js';

/**
 * The Feedback page's NPS trend, pure (unit-tested): the metrics' daily counters summed per week or month, each
 * period's NPS computed from its counts the way the API computes it.
 */
type Metrics = paths['/v1/feedback/metrics']['get']['responses']['200']['content']['application/json'];
export type Grain = 'week' | 'month';

export const DAY_MS = 86_400_000;
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** The API's rounding (functions/feedback/domain/survey.ts): whole percent, half away from zero, in integers. */
export function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  const sign = part < 0 ? -1 : 1;
  return sign * Math.floor((Math.abs(part) * 100 * 2 + whole) / (2 * whole));
}

export interface Bucket {
  readonly label: string;
  readonly responses: number;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  readonly nps: number;
}

/** The range a grain covers: the last 12 weeks (from a Monday) or the last 12 months (from the 1st), to today (UTC). */
export function rangeOf(grain: Grain, today: Date): { from: string; to: string } {
  if (grain === 'month') return { from: isoDay(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 11, 1))), to: isoDay(today) };
  const monday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - ((today.getUTCDay() + 6) % 7) * DAY_MS);
  return { from: isoDay(new Date(monday.getTime() - 11 * 7 * DAY_MS)), to: isoDay(today) };
}

/** The daily counters summed per week (labelled by its Monday) or month, every bucket of the range listed, in order. */
export function bucketsOf(grain: Grain, range: { from: string; to: string }, daily: Metrics['daily']): Bucket[] {
  const keyOf = (day: string) => {
    if (grain === 'month') return day.slice(0, 7);
    const date = new Date(`${day}T00:00:00Z`);
    return isoDay(new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY_MS));
  };
  const sums = new Map<string, { responses: number; promoters: number; passives: number; detractors: number }>();
  for (let at = Date.parse(`${range.from}T00:00:00Z`); at <= Date.parse(`${range.to}T00:00:00Z`); at += DAY_MS) {
    const key = keyOf(isoDay(new Date(at)));
    if (!sums.has(key)) sums.set(key, { responses: 0, promoters: 0, passives: 0, detractors: 0 });
  }
  for (const day of daily) {
    const sum = sums.get(keyOf(day.day));
    if (!sum) continue;
    sum.responses += day.responses;
    sum.promoters += day.promoters;
    sum.passives += day.passives;
    sum.detractors += day.detractors;
  }
  return [...sums.entries()].map(([key, sum]) => ({ label: grain === 'month' ? key : `w/c ${key}`, ...sum, nps: percent(sum.promoters - sum.detractors, sum.responses) }));
}
