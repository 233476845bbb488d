import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { getWebhookDelivery as route } from './webhooks-out.routes';
import { deliveryView } from './webhooks-out.views';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const delivery = await webhooksOut().store.getDelivery(params.endpointId, params.messageId);
  if (!delivery) throw Problems.notFound(`No delivery of ${params.messageId} to ${params.endpointId}`);
  return { status: 200, body: deliveryView(delivery) };
});
