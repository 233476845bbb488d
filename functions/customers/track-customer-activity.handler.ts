import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { customersRepository, SERVICE } from './customers.context';
import { trackActivity } from './domain/track-activity';

customersRepository();

export const handler = eventConsumer({ service: SERVICE, contracts: [PurchaseRecorded, PurchaseRefunded] }, async (event) => {
  const { metadata, data } = event.detail;
  if (event.detailType === 'PurchaseRecorded') {
    await trackActivity(
      customersRepository(),
      metadata.eventId,
      { kind: 'purchase', customerId: data.customerId, amountMinor: data.amountMinor, currency: data.currency, occurredAt: data.occurredAt },
      now(),
    );
  } else {
    await trackActivity(
      customersRepository(),
      metadata.eventId,
      { kind: 'refund', customerId: data.customerId, amountMinor: data.amountMinor, currency: data.currency },
      now(),
    );
  }
});
