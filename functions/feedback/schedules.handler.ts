import { now } from '../../shared/clock';
import { scheduleHandler } from '../../shared/schedules/stack';
import { sendDueSurveys } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';

feedbackRepository();

/** Scheduled surveys whose time came: sent (their link announced) if the contact budget allows, else dropped with the reason. */
export const handler = scheduleHandler({
  service: SERVICE,
  jobs: { 'feedback-send-due': ({ timeLeftMs }) => sendDueSurveys(feedbackRepository(), now().toISOString(), { timeLeftMs }) },
});
