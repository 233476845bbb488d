import { randomUUID } from 'node:crypto';
import type { Journal } from './journal';
import { errorFields, runtimeLog } from './log';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './schedule-expression';

/**
 * Runs the topology's schedules on their rate or cron against the runtime's clock (which the local test
 * clock may shift). The payload matches what the CDK app configures for EventBridge Scheduler:
 * `{ "schedule": name, "scheduledTime": ISO time }`.
 */
export interface LocalSchedule {
  readonly name: string;
  readonly expression: string;
  readonly function: string;
}

export interface SchedulePayload {
  readonly schedule: string;
  readonly scheduledTime: string;
}

export class LocalScheduler {
  private readonly parsed: { schedule: LocalSchedule; expression: ScheduleExpression; next: Date }[];
  private timer: NodeJS.Timeout | undefined;
  private readonly origin: Date;

  constructor(
    schedules: readonly LocalSchedule[],
    private readonly invoke: (functionName: string, event: unknown) => Promise<unknown>,
    private readonly journal: Journal,
    private readonly now: () => Date,
  ) {
    this.origin = now();
    this.parsed = schedules.map((schedule) => {
      const expression = parseScheduleExpression(schedule.expression);
      return { schedule, expression, next: nextFireTime(expression, this.origin, this.origin) };
    });
  }

  get names(): string[] {
    return this.parsed.map(({ schedule }) => schedule.name);
  }

  start(tickMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs a schedule now, whatever its timing; resolves with the function's result. */
  async runNow(name: string): Promise<unknown> {
    const entry = this.parsed.find(({ schedule }) => schedule.name === name);
    if (!entry) throw new Error(`No schedule named ${name}; known: ${this.names.join(', ') || 'none'}`);
    return this.fire(entry.schedule, this.now());
  }

  private async tick(): Promise<void> {
    const now = this.now();
    for (const entry of this.parsed) {
      if (entry.next > now) continue;
      const due = entry.next;
      entry.next = nextFireTime(entry.expression, now, this.origin);
      await this.fire(entry.schedule, due).catch(() => undefined);
    }
  }

  private async fire(schedule: LocalSchedule, scheduledTime: Date): Promise<unknown> {
    const payload: SchedulePayload = { schedule: schedule.name, scheduledTime: scheduledTime.toISOString() };
    try {
      const result = await this.invoke(schedule.function, payload);
      runtimeLog('INFO', 'scheduler', 'schedule ran', { schedule: schedule.name, function: schedule.function });
      return result;
    } catch (error) {
      const at = new Date().toISOString();
      await this.journal.addDeadLetter({
        id: `${at}#${randomUUID().slice(0, 8)}`,
        kind: 'schedule',
        createdAt: at,
        source: schedule.name,
        function: schedule.function,
        payload,
        error: `${errorFields(error).errorType}: ${errorFields(error).errorMessage}`,
        attempts: 1,
      });
      runtimeLog('ERROR', 'scheduler', 'schedule failed', { schedule: schedule.name, ...errorFields(error) });
      throw error;
    }
  }
}
