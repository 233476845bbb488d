import { httpHandler } from '../../shared/http/stack';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { listWebhookEndpoints as route } from './webhooks-out.routes';
import { endpointView } from './webhooks-out.views';

webhooksOut();

/** At most 20 endpoints exist, so the listing is one page, oldest first. */
export const handler = httpHandler({ service: SERVICE, route }, async () => {
  const deps = webhooksOut();
  const now = deps.now();
  const endpoints = await deps.store.listEndpoints();
  return { status: 200, body: { items: endpoints.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((endpoint) => endpointView(endpoint, now)) } };
});
