import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { updateEndpoint } from './domain/use-cases';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { updateWebhookEndpoint as route } from './webhooks-out.routes';
import { endpointView } from './webhooks-out.views';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body }) => {
  const deps = webhooksOut();
  const result = await updateEndpoint(deps, params.endpointId, body);
  switch (result.kind) {
    case 'updated':
      return { status: 200, body: endpointView(result.endpoint, deps.now()) };
    case 'not-found':
      throw Problems.notFound(`No webhook endpoint ${params.endpointId}`);
    case 'invalid':
      throw Problems.validation(result.errors);
  }
});
