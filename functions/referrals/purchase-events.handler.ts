import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { orderStanding, purchasedBefore } from '../purchases/purchases.reads.facade';
import { onPurchase, onRefund } from './domain/use-cases';
import { referralsRepository, SERVICE } from './referrals.context';

referralsRepository();

/** PurchaseRecorded → attribution and the first purchase's judgement; PurchaseRefunded → a held referral rejected. */
export const handler = eventConsumer({ service: SERVICE, contracts: [PurchaseRecorded, PurchaseRefunded] }, async (event) => {
  if (event.detailType === 'PurchaseRecorded') {
    await onPurchase(referralsRepository(), { standing: orderStanding, purchasedBefore }, event.detail.data, now().toISOString());
  } else {
    await onRefund(referralsRepository(), event.detail.data, now().toISOString());
  }
});
