import { WinBackOffered } from '../../events/journey';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { createLogger } from '../../shared/logger';
import { creditWinBack } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';

loyaltyRepository();
const logger = createLogger(SERVICE);

/** WinBackOffered → the offer's points credited (ledger reason `win-back`), once per offer. What can never be credited is logged and settled, not retried. */
export const handler = eventConsumer({ service: SERVICE, contracts: [WinBackOffered] }, async (event) => {
  const data = event.detail.data;
  const result = await creditWinBack(loyaltyRepository(), { offerId: data.offerId, customerId: data.customerId, points: data.points }, now().toISOString());
  // Identifiers only: never the customer (a guest's id may be an email).
  if (result.kind === 'limit-exceeded') logger.warn('win-back credit skipped', { outcome: result.kind, offerId: data.offerId });
});
