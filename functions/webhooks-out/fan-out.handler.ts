import { DELIVERABLE_EVENTS } from '../../events/deliverable';
import { eventConsumer } from '../../shared/events/consumer';
import { fanOut } from './domain/use-cases';
import { SERVICE, webhooksOut } from './webhooks-out.context';

webhooksOut();

/**
 * Every deliverable event: one delivery per subscribed endpoint, attempted at once. The payload is the event's data as
 * its contract parsed it, in the Standard Webhooks envelope `{type, timestamp, data}`; a redelivered event creates and
 * sends nothing again (the message id is the event's).
 */
export const handler = eventConsumer({ service: SERVICE, contracts: DELIVERABLE_EVENTS }, async (event) => {
  await fanOut(webhooksOut(), {
    eventType: event.detailType,
    eventId: event.detail.metadata.eventId,
    occurredAt: event.detail.metadata.occurredAt,
    data: event.detail.data,
  });
});
