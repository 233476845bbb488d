import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { now } from '../../shared/clock';
import { createLogger } from '../../shared/logger';
import { expireDuePoints, releaseDuePoints, reviewTiers, sendExpiryReminders } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';

loyaltyRepository();
const logger = createLogger(SERVICE);

/** The loyalty schedules, by name (EventBridge Scheduler sends { schedule, scheduledTime }). */
export const SCHEDULES = {
  'loyalty-release-pending': releaseDuePoints,
  'loyalty-expire-points': expireDuePoints,
  'loyalty-expiry-reminders': sendExpiryReminders,
  'loyalty-tier-review': reviewTiers,
} as const;

const payload = z.object({ schedule: z.enum(Object.keys(SCHEDULES) as [keyof typeof SCHEDULES]), scheduledTime: z.string().optional() });

export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const { schedule } = payload.parse(event);
    const report = await SCHEDULES[schedule](loyaltyRepository(), now().toISOString());
    logger.info('schedule ran', { ...report });
    return report;
  });
