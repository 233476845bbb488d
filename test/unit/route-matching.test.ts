import { compileRoutes } from '../../shared/http/route-matching';

const routes = [
  { method: 'POST', path: '/v1/purchases' },
  { method: 'GET', path: '/v1/purchases/{orderId}' },
  { method: 'POST', path: '/v1/purchases/{orderId}/refunds' },
  { method: 'GET', path: '/v1/customers/{customerId}/purchases' },
  { method: 'GET', path: '/v1/purchases/export' },
];
const match = compileRoutes(routes);

describe('route matching', () => {
  it('matches literal and parameterized paths, decoding parameters', () => {
    expect(match('GET', '/v1/purchases/order%201')).toEqual({ kind: 'matched', route: routes[1], pathParameters: { orderId: 'order 1' } });
    expect(match('POST', '/v1/purchases')).toMatchObject({ kind: 'matched', route: routes[0] });
  });

  it('prefers the most specific route', () => {
    expect(match('GET', '/v1/purchases/export')).toMatchObject({ kind: 'matched', route: routes[4] });
  });

  it('reports the allowed methods when only the method is wrong', () => {
    expect(match('DELETE', '/v1/purchases')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(match('PUT', '/v1/purchases/o1')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
  });

  it('does not match missing or extra segments', () => {
    expect(match('GET', '/v1/purchases/')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(match('GET', '/v1/customers//purchases')).toEqual({ kind: 'not-found' });
    expect(match('GET', '/v1/purchases/a/b')).toEqual({ kind: 'not-found' });
  });

  it('treats undecodable parameters as no match', () => {
    expect(match('GET', '/v1/purchases/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });
});
