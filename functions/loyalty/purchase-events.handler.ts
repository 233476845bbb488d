import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { awardPurchase, reversePurchase } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';

loyaltyRepository();

/** PurchaseRecorded → points (once per order); PurchaseRefunded → the refunded share reversed (once per refund). */
export const handler = eventConsumer({ service: SERVICE, contracts: [PurchaseRecorded, PurchaseRefunded] }, async (event) => {
  if (event.detailType === 'PurchaseRecorded') {
    const data = event.detail.data;
    await awardPurchase(loyaltyRepository(), data, now().toISOString());
  } else {
    const data = event.detail.data;
    await reversePurchase(loyaltyRepository(), data, now().toISOString());
  }
});
