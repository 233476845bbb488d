import { Problems } from '../../shared/http/problem';
import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { listWebhookDeliveries as route } from './webhooks-out.routes';
import { deliveryView } from './webhooks-out.views';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, query }) => {
  const { store } = webhooksOut();
  if (!(await store.getEndpoint(params.endpointId))) throw Problems.notFound(`No webhook endpoint ${params.endpointId}`);
  const { status, ...page } = query;
  const filter = status === 'pending' || status === 'succeeded' || status === 'failed' ? status : undefined;
  return pagedListing(page, (options) => store.listDeliveries(params.endpointId, { ...options, ...(filter ? { status: filter } : {}) }), deliveryView);
});
