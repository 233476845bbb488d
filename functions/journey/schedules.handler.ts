import { now } from '../../shared/clock';
import { scheduleHandler } from '../../shared/schedules/stack';
import { reviewDueCustomers } from './domain/use-cases';
import { journeyRepository, SERVICE } from './journey.context';

journeyRepository();

/** Customers whose churn review came are assessed again: time alone makes a customer at risk or lapsed. */
export const handler = scheduleHandler({
  service: SERVICE,
  jobs: {
    'journey-churn-review': ({ timeLeftMs }) => reviewDueCustomers(journeyRepository(), now().toISOString(), { timeLeftMs }),
  },
});
