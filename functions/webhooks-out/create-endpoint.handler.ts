import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { ENDPOINT_LIMITS } from './domain/endpoint';
import { createEndpoint } from './domain/use-cases';
import { actorOf, SERVICE, webhooksOut } from './webhooks-out.context';
import { createWebhookEndpoint as route } from './webhooks-out.routes';
import { endpointView } from './webhooks-out.views';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const deps = webhooksOut();
  const result = await createEndpoint(deps, body, actorOf(principal));
  switch (result.kind) {
    case 'created':
      return {
        status: 201,
        body: { ...endpointView(result.endpoint, deps.now()), secret: result.secret },
        headers: { location: `/v1/webhook-endpoints/${result.endpoint.endpointId}` },
      };
    case 'invalid':
      throw Problems.validation(result.errors);
    case 'limit':
      throw Problems.conflict('endpoint-limit', `At most ${ENDPOINT_LIMITS.endpoints} endpoints can be registered; remove one first`);
  }
});
