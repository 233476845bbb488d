import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { ENDPOINT_LIMITS } from './domain/endpoint';
import { rotateEndpointSecret } from './domain/use-cases';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { rotateWebhookSecret as route } from './webhooks-out.routes';
import { endpointView } from './webhooks-out.views';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body }) => {
  const deps = webhooksOut();
  const result = await rotateEndpointSecret(deps, params.endpointId, body.overlapHours ?? ENDPOINT_LIMITS.overlapHoursDefault);
  if (result.kind === 'not-found') throw Problems.notFound(`No webhook endpoint ${params.endpointId}`);
  return { status: 200, body: { ...endpointView(result.endpoint, deps.now()), secret: result.secret } };
});
