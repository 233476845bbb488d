import { privacyExporter } from '../../shared/privacy/exporter';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { deliveryView } from './webhooks-out.views';

webhooksOut();

/** What was sent about the customer to the merchant's endpoints: the log, and the payloads still kept (7 days). */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const { deliveries, messages } = await webhooksOut().store.exportCustomer(customerId);
  return {
    webhookDeliveries: {
      deliveries: deliveries.map(deliveryView),
      payloads: messages.map((message) => ({ messageId: message.messageId, eventType: message.eventType, occurredAt: message.occurredAt, body: JSON.parse(message.body) as unknown })),
    },
  };
});
