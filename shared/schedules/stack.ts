import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { createLogger } from '../logger';

/**
 * The schedule middleware stack, composed once: EventBridge Scheduler sends `{ schedule, scheduledTime }`; the
 * stack logs, validates the schedule name against the ones this function handles, runs that job and logs its report.
 * The handler carries its schedule names (`handler.schedules`) so a test can prove every declared schedule has one.
 *
 * A job is told how long it may keep starting work: the invocation's remaining time (Lambda's
 * `getRemainingTimeInMillis`) less a safety margin for what is in flight to finish. A job that cannot finish in time
 * stops, reports `more: true`, and the schedule's next invocation continues where the due index now begins.
 */
export interface ScheduleRun {
  /** Milliseconds left to start new work (Infinity when the context has no deadline). */
  readonly timeLeftMs: () => number;
}
export type ScheduledJob = (run: ScheduleRun) => Promise<object>;

/** The time kept back from an invocation for in-flight work to finish: a tenth of it, at least 2 s, at most 30 s. */
export function safetyMarginMs(remainingMs: number): number {
  return Math.min(30_000, Math.max(2_000, Math.floor(remainingMs / 10)));
}

/** What a job may use of an invocation whose remaining time `remainingMs()` tells (a Lambda context's). */
export function scheduleRun(remainingMs: (() => number) | undefined): ScheduleRun {
  if (!remainingMs) return { timeLeftMs: () => Number.POSITIVE_INFINITY };
  const margin = safetyMarginMs(remainingMs());
  return { timeLeftMs: () => remainingMs() - margin };
}

export function scheduleHandler<const Names extends string>(options: { service: string; jobs: Readonly<Record<Names, ScheduledJob>> }) {
  const logger = createLogger(options.service);
  const names = Object.keys(options.jobs) as [Names, ...Names[]];
  const payload = z.object({ schedule: z.enum(names), scheduledTime: z.string().optional() });
  const handler = middy<unknown, object, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: (request) => {
        logger.error('schedule failed', request.error as Error);
      },
    })
    .handler(async (event, context) => {
      const { schedule, scheduledTime } = payload.parse(event);
      logger.appendKeys({ schedule, ...(scheduledTime ? { scheduledTime } : {}) });
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined;
      const report = await options.jobs[schedule](scheduleRun(remaining));
      logger.info('schedule ran', { ...report });
      return report;
    });
  return Object.assign(handler, { schedules: names as readonly Names[] });
}
