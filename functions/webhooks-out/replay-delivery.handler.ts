import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { replayDelivery } from './domain/use-cases';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { replayWebhookDelivery as route } from './webhooks-out.routes';
import { deliveryView } from './webhooks-out.views';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const result = await replayDelivery(webhooksOut(), params.endpointId, params.messageId);
  switch (result.kind) {
    case 'sent':
      return { status: 200, body: deliveryView(result.delivery) };
    case 'not-found':
      throw Problems.notFound(`No delivery of ${params.messageId} to ${params.endpointId}`);
    case 'pending':
      throw Problems.conflict('delivery-pending', 'This delivery is still being attempted on its retry schedule; replay it once it failed or succeeded');
    case 'endpoint-disabled':
      throw Problems.conflict('endpoint-disabled', 'The endpoint is disabled; enable it (PATCH enabled: true) before replaying');
    case 'payload-expired':
      throw Problems.gone('payload-expired', 'The message body is no longer kept (payload retention: 7 days); it cannot be sent again');
  }
});
