import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { deleteWebhookEndpoint as route } from './webhooks-out.routes';

webhooksOut();

/** Its pending deliveries fail as `endpoint-deleted` when the schedule reaches them; nothing more is sent. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  if ((await webhooksOut().store.deleteEndpoint(params.endpointId)) === 'missing') throw Problems.notFound(`No webhook endpoint ${params.endpointId}`);
  return { status: 204 };
});
