import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { createLogger } from '../logger';

/**
 * The schedule middleware stack, composed once: EventBridge Scheduler sends `{ schedule, scheduledTime }`; the
 * stack logs, validates the schedule name against the ones this function handles, runs that job and logs its report.
 * The handler carries its schedule names (`handler.schedules`) so a test can prove every declared schedule has one.
 */
export type ScheduledJob = () => Promise<object>;

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
    .handler(async (event) => {
      const { schedule, scheduledTime } = payload.parse(event);
      logger.appendKeys({ schedule, ...(scheduledTime ? { scheduledTime } : {}) });
      const report = await options.jobs[schedule]();
      logger.info('schedule ran', { ...report });
      return report;
    });
  return Object.assign(handler, { schedules: names as readonly Names[] });
}
