import { loadConfig, nonEmpty } from '../../shared/config';
import { Problems } from '../../shared/http/problem';
import { compileRoutes } from '../../shared/http/route-matching';
import { httpHandler } from '../../shared/http/stack';
import { decodeRouteKeys, ROUTE_KEYS_VARIABLE, unmatched } from './platform.routes';

/**
 * The $default route: API Gateway sends here whatever matches no declared route. Answers problem+json
 * 405 (with Allow) when the path exists under another method, otherwise 404. The declared routes come from the
 * environment, not from the topology module, so this bundle stays small and unchanged when routes change.
 */
const config = loadConfig({ [ROUTE_KEYS_VARIABLE]: nonEmpty });
const match = compileRoutes(decodeRouteKeys(config[ROUTE_KEYS_VARIABLE]));

export const handler = httpHandler({ service: 'platform', route: unmatched }, async ({ event }) => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  const result = match(method, path);
  if (result.kind === 'method-not-allowed') throw Problems.methodNotAllowed(method, result.allowed);
  throw Problems.notFound(`No route ${method} ${path.slice(0, 200)}`);
});
