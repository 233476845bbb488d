import { PurchaseRecorded } from '../../events/purchase-recorded';
import { TierChanged } from '../../events/tier-changed';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { askAfterPurchase, askAfterTierUpgrade } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';

feedbackRepository();

/** The journey's moments that ask for feedback: N days after a purchase, and a tier upgrade. */
export const handler = eventConsumer({ service: SERVICE, contracts: [PurchaseRecorded, TierChanged] }, async (event) => {
  if (event.detailType === 'PurchaseRecorded') {
    await askAfterPurchase(feedbackRepository(), event.detail.data, now().toISOString());
  } else {
    await askAfterTierUpgrade(feedbackRepository(), { eventId: event.detail.metadata.eventId, ...event.detail.data }, now().toISOString());
  }
});
