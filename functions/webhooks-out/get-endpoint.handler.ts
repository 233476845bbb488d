import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { getWebhookEndpoint as route } from './webhooks-out.routes';
import { endpointView } from './webhooks-out.views';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const deps = webhooksOut();
  const endpoint = await deps.store.getEndpoint(params.endpointId);
  if (!endpoint) throw Problems.notFound(`No webhook endpoint ${params.endpointId}`);
  return { status: 200, body: endpointView(endpoint, deps.now()) };
});
