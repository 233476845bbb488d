import { CustomerAtRisk } from '../../events/journey';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { createLogger } from '../../shared/logger';
import { handleCustomerAtRisk } from './domain/winback-use-cases';
import { journeyRepository, SERVICE } from './journey.context';

journeyRepository();
const logger = createLogger(SERVICE);

/** CustomerAtRisk → the win-back rule: an offer (WinBackOffered, in the same transaction) or the holdout, once per event. */
export const handler = eventConsumer({ service: SERVICE, contracts: [CustomerAtRisk] }, async (event) => {
  const result = await handleCustomerAtRisk(journeyRepository(), event.detail.data, { detailType: event.detailType, eventId: event.detail.metadata.eventId }, now().toISOString());
  // The outcome only: never the customer (a guest's id may be an email).
  logger.info('win-back decision', { outcome: result.kind });
});
