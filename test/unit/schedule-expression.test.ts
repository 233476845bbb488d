import { nextFireTime, parseScheduleExpression } from '../../infra/local/schedule-expression';

const at = (iso: string) => new Date(iso);

describe('schedule expressions', () => {
  it('runs rates from the origin', () => {
    const rate = parseScheduleExpression('rate(5 minutes)');
    expect(nextFireTime(rate, at('2026-01-01T00:07:00Z'), at('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(() => parseScheduleExpression('rate(1 minutes)')).toThrow();
    expect(() => parseScheduleExpression('rate(0 minutes)')).toThrow();
  });

  it('runs six-field cron expressions in UTC', () => {
    const daily = parseScheduleExpression('cron(0 3 * * ? *)');
    expect(nextFireTime(daily, at('2026-01-01T03:00:00Z'), at('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-02T03:00:00.000Z');
    const mondays = parseScheduleExpression('cron(30 9 ? * MON *)');
    expect(nextFireTime(mondays, at('2026-11-22T12:00:00Z'), at('2026-11-22T00:00:00Z')).toISOString()).toBe('2026-11-23T09:30:00.000Z');
    const quarterHours = parseScheduleExpression('cron(0/15 * * * ? *)');
    expect(nextFireTime(quarterHours, at('2026-01-01T00:16:10Z'), at('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-01T00:30:00.000Z');
  });

  it('rejects what it cannot run faithfully', () => {
    expect(() => parseScheduleExpression('cron(0 3 * * * *)')).toThrow(/\?/);
    expect(() => parseScheduleExpression('cron(0 3 L * ? *)')).toThrow(/not supported/);
    expect(() => parseScheduleExpression('every day')).toThrow();
  });
});
