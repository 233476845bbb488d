/**
 * EventBridge Scheduler expressions, evaluated in UTC: `rate(N minute|minutes|hour|hours|day|days)` and
 * six-field `cron(minutes hours day-of-month month day-of-week year)` with `*`, `?`, ranges, lists, steps and
 * names (JAN-DEC, SUN-SAT; day-of-week 1-7 is SUN-SAT). `L`, `W` and `#` are rejected rather than mis-run.
 */
export type ScheduleExpression = { kind: 'rate'; everyMs: number } | { kind: 'cron'; fields: CronFields };

interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number> | 'any';
  months: Set<number>;
  daysOfWeek: Set<number> | 'any';
  years: Set<number> | 'any';
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseScheduleExpression(expression: string): ScheduleExpression {
  const rate = RATE.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    const unit = (rate[2] as string).replace(/s$/, '') as keyof typeof UNIT_MS;
    if (value < 1) throw new Error(`Invalid schedule ${expression}: the rate must be positive`);
    if ((value === 1) !== !(rate[2] as string).endsWith('s')) throw new Error(`Invalid schedule ${expression}: use "1 ${unit}" or "${value} ${unit}s"`);
    return { kind: 'rate', everyMs: value * UNIT_MS[unit] };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`Invalid schedule ${expression}: expected rate(...) or cron(...)`);
  const parts = (cron[1] as string).trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`Invalid schedule ${expression}: cron takes six fields`);
  const [minutes, hours, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new Error(`Invalid schedule ${expression}: exactly one of day-of-month and day-of-week must be ?`);
  return {
    kind: 'cron',
    fields: {
      minutes: field(minutes, 0, 59),
      hours: field(hours, 0, 23),
      daysOfMonth: dom === '?' ? 'any' : field(dom, 1, 31),
      months: field(month, 1, 12, MONTHS),
      daysOfWeek: dow === '?' ? 'any' : field(dow, 1, 7, DAYS),
      years: year === '*' ? 'any' : field(year, 1970, 2199),
    },
  };
}

function field(text: string, min: number, max: number, names?: string[]): Set<number> {
  if (/[LW#]/.test(text)) throw new Error(`Unsupported cron syntax "${text}" (L, W and # are not supported locally)`);
  const values = new Set<number>();
  const value = (token: string) => {
    const index = names?.indexOf(token.toUpperCase()) ?? -1;
    const number = index >= 0 ? index + 1 : Number(token);
    if (!Number.isInteger(number) || number < min || number > max) throw new Error(`Cron value ${token} is outside ${min}-${max}`);
    return number;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`Invalid cron step in ${part}`);
    let start = min;
    let end = max;
    if (range !== '*' && range !== '?') {
      const [from, to] = range.split('-') as [string, string | undefined];
      start = value(from);
      end = to === undefined ? (stepText === undefined ? start : max) : value(to);
    }
    for (let n = start; n <= end; n += step) values.add(n);
  }
  return values;
}

/** The next time strictly after `after` at which the expression fires (rates count from `origin`). */
export function nextFireTime(expression: ScheduleExpression, after: Date, origin: Date): Date {
  if (expression.kind === 'rate') {
    const elapsed = after.getTime() - origin.getTime();
    const periods = Math.floor(elapsed / expression.everyMs) + 1;
    return new Date(origin.getTime() + periods * expression.everyMs);
  }
  const { fields } = expression;
  const candidate = new Date(after.getTime());
  candidate.setUTCSeconds(0, 0);
  candidate.setUTCMinutes(candidate.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (candidate.getTime() <= limit) {
    if (fields.years !== 'any' && !fields.years.has(candidate.getUTCFullYear())) {
      candidate.setUTCFullYear(candidate.getUTCFullYear() + 1, 0, 1);
      candidate.setUTCHours(0, 0);
      continue;
    }
    if (!fields.months.has(candidate.getUTCMonth() + 1)) {
      candidate.setUTCMonth(candidate.getUTCMonth() + 1, 1);
      candidate.setUTCHours(0, 0);
      continue;
    }
    const dayMatches =
      (fields.daysOfMonth === 'any' || fields.daysOfMonth.has(candidate.getUTCDate())) &&
      (fields.daysOfWeek === 'any' || fields.daysOfWeek.has(candidate.getUTCDay() + 1));
    if (!dayMatches) {
      candidate.setUTCDate(candidate.getUTCDate() + 1);
      candidate.setUTCHours(0, 0);
      continue;
    }
    if (!fields.hours.has(candidate.getUTCHours())) {
      candidate.setUTCHours(candidate.getUTCHours() + 1, 0);
      continue;
    }
    if (!fields.minutes.has(candidate.getUTCMinutes())) {
      candidate.setUTCMinutes(candidate.getUTCMinutes() + 1);
      continue;
    }
    return candidate;
  }
  throw new Error('The cron expression never fires in the next five years');
}
