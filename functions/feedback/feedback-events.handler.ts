import { PurchaseRecorded } from '../../events/purchase-recorded';
import { TierChanged } from '../../events/tier-changed';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { createLogger } from '../../shared/logger';
import { askAfterPurchase, askAfterTierUpgrade } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';

feedbackRepository();
const logger = createLogger(SERVICE);

/** The journey's moments that ask for feedback: N days after a purchase, and a tier upgrade. */
export const handler = eventConsumer({ service: SERVICE, contracts: [PurchaseRecorded, TierChanged] }, async (event) => {
  const outcome =
    event.detailType === 'PurchaseRecorded'
      ? await askAfterPurchase(feedbackRepository(), event.detail.data, now().toISOString())
      : await askAfterTierUpgrade(feedbackRepository(), { eventId: event.detail.metadata.eventId, ...event.detail.data }, now().toISOString());
  // A dropped ask is stored nowhere (never queued): its reason is this line (dates and ids only, no personal data).
  if (outcome.kind === 'throttled') logger.info('survey ask dropped', { trigger: event.detailType, eventId: event.detail.metadata.eventId, reason: outcome.reason });
});
