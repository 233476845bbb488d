import { topology } from '../../infra/topology';
import { Problems } from '../../shared/http/problem';
import { compileRoutes } from '../../shared/http/route-matching';
import { httpHandler } from '../../shared/http/stack';

/**
 * The $default route: API Gateway sends here whatever matches no declared route. Answers problem+json
 * 405 (with Allow) when the path exists under another method, otherwise 404.
 */
const match = compileRoutes(topology.routes);

export const handler = httpHandler({ service: 'platform' }, async ({ event }) => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  const result = match(method, path);
  if (result.kind === 'method-not-allowed') throw Problems.methodNotAllowed(method, result.allowed);
  throw Problems.notFound(`No route ${method} ${path.slice(0, 200)}`);
});
