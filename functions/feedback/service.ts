import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { FEEDBACK_EVENTS } from '../../events/feedback';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { TierChanged } from '../../events/tier-changed';
import { defineService, keyedTable } from '../../shared/service/declarations';
import * as routes from './feedback.routes';

const reads = { memoryMb: 256, timeoutSeconds: 10, tables: { feedback: 'read' } } as const;
const writes = { memoryMb: 256, timeoutSeconds: 10, tables: { feedback: 'readWrite' } } as const;
const consumer = { retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 } as const;

/** Feedback: NPS and CSAT surveys triggered by the journey, one contact budget per customer, promoters and detractors by event. */
export const feedbackService = defineService({
  name: 'feedback',
  description: 'NPS and CSAT surveys, the contact budget, answers and their metrics',
  tables: {
    // gsi1: scheduled requests by due time (keys only: the schedule re-reads each); gsi2: a customer's requests, newest
    // first; gsi3: answers newest first, by kind (the answered request) and by kind and category (its answer item), only
    // what the listing shows projected. Event items expire once relayed.
    feedback: keyedTable({
      envVar: 'FEEDBACK_TABLE_NAME',
      indexes: [{ name: 'gsi1', projection: 'keys' }, 'gsi2', { name: 'gsi3', projection: { include: ['requestId', 'customerId', 'kind', 'trigger', 'answer'] } }],
      stream: true,
      timeToLiveAttribute: 'expiresAt',
    }),
  },
  functions: {
    getFeedbackSettings: { entry: 'functions/feedback/get-settings.handler.ts', description: 'GET /v1/feedback-settings', ...reads },
    putFeedbackSettings: { entry: 'functions/feedback/put-settings.handler.ts', description: 'PUT /v1/feedback-settings', ...writes },
    createSurvey: { entry: 'functions/feedback/create-survey.handler.ts', description: 'POST /v1/surveys', ...writes },
    answerSurvey: { entry: 'functions/feedback/answer-survey.handler.ts', description: 'POST /v1/surveys/responses', ...writes },
    surveyPage: { entry: 'functions/feedback/survey-page.handler.ts', description: 'GET /s/{token}', ...reads },
    getFeedbackMetrics: { entry: 'functions/feedback/get-metrics.handler.ts', description: 'GET /v1/feedback/metrics', ...reads },
    listCustomerFeedback: { entry: 'functions/feedback/list-customer-feedback.handler.ts', description: 'GET /v1/customers/{customerId}/feedback', ...reads },
    listFeedbackResponses: { entry: 'functions/feedback/list-responses.handler.ts', description: 'GET /v1/feedback/responses', ...reads },
    feedbackEvents: {
      entry: 'functions/feedback/feedback-events.handler.ts',
      description: 'Asks for feedback after purchases and tier upgrades (one request per trigger, within the contact budget)',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { feedback: 'readWrite' },
    },
    feedbackSchedules: {
      entry: 'functions/feedback/schedules.handler.ts',
      description: 'Sends scheduled surveys whose time came, or drops them when the contact budget is spent',
      memoryMb: 512,
      timeoutSeconds: 300,
      tables: { feedback: 'readWrite' },
    },
    eraseFeedbackCustomer: { entry: 'functions/feedback/erase-customer.handler.ts', description: 'CustomerErasureRequested in the feedback service', memoryMb: 256, timeoutSeconds: 120, tables: { feedback: 'readWrite' } },
    exportFeedbackCustomer: { entry: 'functions/feedback/export-customer.handler.ts', description: "The feedback part of a customer's data export", memoryMb: 256, timeoutSeconds: 25, tables: { feedback: 'read' } },
  },
  routes: [
    { route: routes.getFeedbackSettings, function: 'getFeedbackSettings' },
    { route: routes.putFeedbackSettings, function: 'putFeedbackSettings' },
    { route: routes.createSurvey, function: 'createSurvey' },
    { route: routes.answerSurvey, function: 'answerSurvey' },
    { route: routes.surveyPage, function: 'surveyPage' },
    { route: routes.getFeedbackMetrics, function: 'getFeedbackMetrics' },
    { route: routes.listCustomerFeedback, function: 'listCustomerFeedback' },
    { route: routes.listFeedbackResponses, function: 'listFeedbackResponses' },
  ],
  subscriptions: [
    { name: 'feedback-after-purchase', event: PurchaseRecorded, function: 'feedbackEvents', ...consumer },
    { name: 'feedback-after-tier-upgrade', event: TierChanged, function: 'feedbackEvents', ...consumer },
    { name: 'feedback-erase-customer', event: CustomerErasureRequested, function: 'eraseFeedbackCustomer', ...consumer },
  ],
  schedules: [{ name: 'feedback-send-due', function: 'feedbackSchedules', expression: 'rate(15 minutes)', description: 'Scheduled surveys whose time came are sent or dropped' }],
  produces: [...FEEDBACK_EVENTS],
  privacy: { export: 'exportFeedbackCustomer', erase: 'eraseFeedbackCustomer' },
  // Other services' contacts (testimonial requests) claim the contact budget through this facade: it writes the budget.
  exposes: [{ module: 'functions/feedback/contact-budget.facade.ts', tables: { feedback: 'readWrite' } }],
});
