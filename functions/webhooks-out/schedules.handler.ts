import { scheduleHandler } from '../../shared/schedules/stack';
import { sendDueDeliveries } from './domain/use-cases';
import { SERVICE, webhooksOut } from './webhooks-out.context';

webhooksOut();

/** Due retries (and attempts whose sender died mid-way), every minute. */
export const handler = scheduleHandler({
  service: SERVICE,
  jobs: { 'webhooks-out-send-due': ({ timeLeftMs }) => sendDueDeliveries(webhooksOut(), { timeLeftMs }) },
});
