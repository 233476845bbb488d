import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { InvalidCursorError } from '../../shared/domain/pagination';
import { replayFailedSince } from './domain/use-cases';
import { SERVICE, webhooksOut } from './webhooks-out.context';
import { replayFailedWebhooks as route } from './webhooks-out.routes';

webhooksOut();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body }) => {
  const deps = webhooksOut();
  if (Date.parse(body.since) > Date.parse(deps.now())) throw Problems.validation([{ pointer: '/since', detail: 'must not be in the future' }]);
  try {
    const result = await replayFailedSince(deps, params.endpointId, body.since, body.cursor);
    switch (result.kind) {
      case 'scheduled':
        return { status: 202, body: { scheduled: result.scheduled, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) } };
      case 'not-found':
        throw Problems.notFound(`No webhook endpoint ${params.endpointId}`);
      case 'endpoint-disabled':
        throw Problems.conflict('endpoint-disabled', 'The endpoint is disabled; enable it (PATCH enabled: true) before replaying');
    }
  } catch (error) {
    if (error instanceof InvalidCursorError) throw Problems.validation([{ pointer: '/cursor', detail: 'is not a cursor from this replay' }]);
    throw error;
  }
});
