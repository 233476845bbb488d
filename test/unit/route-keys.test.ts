import { decodeRouteKeys, encodeRouteKeys } from '../../functions/platform/platform.routes';
import { functionEnvironment, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../infra/environment';
import { topology } from '../../infra/topology';
import { routeKey } from '../../shared/http/route';

/** The fallback's route list travels deflated in its environment, which Lambda caps at 4 KiB. */
describe('the fallback route keys', () => {
  const keys = topology.routes.map(routeKey);

  it('round-trips every declared route, in order', () => {
    expect(decodeRouteKeys(encodeRouteKeys(keys)).map((route) => `${route.method} ${route.path}`)).toEqual(keys);
  });

  it('still reads the plain comma-separated form', () => {
    expect(decodeRouteKeys('GET /v1/a,POST /v1/a')).toEqual([
      { method: 'GET', path: '/v1/a' },
      { method: 'POST', path: '/v1/a' },
    ]);
  });

  it("keeps the fallback's whole environment well inside Lambda's limit with today's routes", () => {
    const env = functionEnvironment(topology.fallbackFunction, { stage: 'prod', tokens: { issuer: 'https://issuer.example.com', audience: 'loyalty-loop', jwksUrl: 'https://issuer.example.com/.well-known/jwks.json' } });
    const bytes = Object.entries(env).reduce((total, [name, value]) => total + name.length + value.length, 0);
    expect(bytes).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES / 2);
  });
});
