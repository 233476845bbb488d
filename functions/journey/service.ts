import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { CustomerAtRisk, JOURNEY_EVENTS } from '../../events/journey';
import { defineService, keyedTable } from '../../shared/service/declarations';
import * as routes from './journey.routes';
import { JOURNEY_INPUTS } from './journey.facts';

const reads = { memoryMb: 256, timeoutSeconds: 10, tables: { journey: 'read' } } as const;
const consumer = { retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 } as const;
/** `PurchaseRecorded` → `journey-purchase-recorded`. */
const ruleName = (detailType: string) => `journey-${detailType.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;

/** Journey: a stage per customer from the events of every service, and the funnel, cohorts and overview counted as they happen. */
export const journeyService = defineService({
  name: 'journey',
  description: "Each customer's journey stage from events, and funnel, cohort and overview analytics kept by counters",
  tables: {
    // gsi1: customers by churn review time (keys only: the review re-reads each). Reports read counter partitions;
    // markers and event items expire.
    journey: keyedTable({ envVar: 'JOURNEY_TABLE_NAME', indexes: [{ name: 'gsi1', projection: 'keys' }], stream: true, timeToLiveAttribute: 'expiresAt' }),
  },
  functions: {
    getCustomerJourney: { entry: 'functions/journey/get-journey.handler.ts', description: 'GET /v1/customers/{customerId}/journey', ...reads },
    getFunnel: { entry: 'functions/journey/funnel.handler.ts', description: 'GET /v1/analytics/funnel', ...reads },
    getCohorts: { entry: 'functions/journey/cohorts.handler.ts', description: 'GET /v1/analytics/cohorts', ...reads },
    getOverview: { entry: 'functions/journey/overview.handler.ts', description: 'GET /v1/analytics/overview', ...reads },
    journeyEvents: {
      entry: 'functions/journey/journey-events.handler.ts',
      description: "Applies each purchase, refund, tier, referral, answer, testimonial and points event to its customer's journey and the counters, once",
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { journey: 'readWrite' },
    },
    getJourneySettings: { entry: 'functions/journey/get-settings.handler.ts', description: 'GET /v1/journey-settings', ...reads },
    putJourneySettings: { entry: 'functions/journey/put-settings.handler.ts', description: 'PUT /v1/journey-settings', memoryMb: 256, timeoutSeconds: 10, tables: { journey: 'readWrite' } },
    getWinBackReport: { entry: 'functions/journey/win-back-report.handler.ts', description: 'GET /v1/analytics/win-back', ...reads },
    journeyWinBack: {
      entry: 'functions/journey/win-back-events.handler.ts',
      description: 'Applies the win-back rule to each CustomerAtRisk: an offer (WinBackOffered) or the holdout, once',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { journey: 'readWrite' },
    },
    journeySchedules: {
      entry: 'functions/journey/schedules.handler.ts',
      description: 'Reassesses the churn risk of customers whose review came (at risk, lapsed)',
      memoryMb: 512,
      timeoutSeconds: 300,
      tables: { journey: 'readWrite' },
    },
    eraseJourneyCustomer: { entry: 'functions/journey/erase-customer.handler.ts', description: 'CustomerErasureRequested in the journey service', memoryMb: 256, timeoutSeconds: 120, tables: { journey: 'readWrite' } },
    exportJourneyCustomer: { entry: 'functions/journey/export-customer.handler.ts', description: "The journey part of a customer's data export", memoryMb: 256, timeoutSeconds: 25, tables: { journey: 'read' } },
  },
  routes: [
    { route: routes.getCustomerJourney, function: 'getCustomerJourney' },
    { route: routes.getFunnel, function: 'getFunnel' },
    { route: routes.getCohorts, function: 'getCohorts' },
    { route: routes.getOverview, function: 'getOverview' },
    { route: routes.getJourneySettings, function: 'getJourneySettings' },
    { route: routes.putJourneySettings, function: 'putJourneySettings' },
    { route: routes.getWinBackReport, function: 'getWinBackReport' },
  ],
  subscriptions: [
    ...JOURNEY_INPUTS.map((event) => ({ name: ruleName(event.detailType), event, function: 'journeyEvents' as const, ...consumer })),
    { name: 'journey-win-back', event: CustomerAtRisk, function: 'journeyWinBack', ...consumer },
    { name: 'journey-erase-customer', event: CustomerErasureRequested, function: 'eraseJourneyCustomer', ...consumer },
  ],
  schedules: [{ name: 'journey-churn-review', function: 'journeySchedules', expression: 'rate(1 day)', description: 'Churn risk reassessed for customers whose review time came' }],
  produces: [...JOURNEY_EVENTS],
  privacy: { export: 'exportJourneyCustomer', erase: 'eraseJourneyCustomer' },
});
