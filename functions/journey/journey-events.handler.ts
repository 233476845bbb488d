import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { createLogger } from '../../shared/logger';
import { recordJourneyEvent } from './domain/use-cases';
import { recordWinBackReturn } from './domain/winback-use-cases';
import { journeyRepository, SERVICE } from './journey.context';
import { factOf, JOURNEY_INPUTS } from './journey.facts';

journeyRepository();
const logger = createLogger(SERVICE);

/** Every event about a customer's journey: their state, stage and the analytics counters, once per event. */
export const handler = eventConsumer({ service: SERVICE, contracts: JOURNEY_INPUTS }, async (event) => {
  const { customerId, fact } = factOf(event);
  const outcome = await recordJourneyEvent(journeyRepository(), customerId, fact, { detailType: event.detailType, eventId: event.detail.metadata.eventId }, now().toISOString());
  if (outcome.kind !== 'applied') logger.info('journey event not applied', { outcome: outcome.kind });
  else if (outcome.transition) logger.info('journey stage changed', { from: outcome.transition.from, to: outcome.transition.to });
  // A purchase within a win-back decision's return window counts as a return, also on a redelivery (the journey may
  // have committed before a crash): the return is recorded once by its own condition.
  if (fact.kind === 'purchase' && outcome.kind !== 'erased') await recordWinBackReturn(journeyRepository(), customerId, fact.at);
});
