import { accessProblem } from '../../shared/http/access';
import { claimGroups, principalFromAuthorizerContext, principalFromClaims, DEFAULT_TOKEN_SETTINGS } from '../../shared/http/principal';
import { topology } from '../../infra/topology';
import { routeKey } from '../../infra/topology-types';

describe('route access', () => {
  const shared = ['storefront', 'customer', 'marketer'] as const;

  it("takes each route's access from its own contract", () => {
    for (const route of topology.routes) {
      expect(route.access).toBe(route.contract.access);
      expect(routeKey(route)).toBe(routeKey(route.contract));
    }
  });

  it('lets a customer act only on themselves', () => {
    const customer = { kind: 'customer', customerId: 'c1' } as const;
    expect(accessProblem(shared, customer, { customerId: 'c1' })).toBeUndefined();
    expect(accessProblem(shared, customer, { customerId: 'c2' })?.problem.status).toBe(403);
    expect(accessProblem(shared, customer, {})).toBeUndefined();
  });

  it('answers 401 for anonymous callers and 403 for the wrong role', () => {
    expect(accessProblem(['storefront'], { kind: 'anonymous', reason: 'no credentials' }, {})?.problem.status).toBe(401);
    expect(accessProblem(['storefront'], { kind: 'marketer', marketerId: 'm' }, {})?.problem.status).toBe(403);
    expect(accessProblem(['marketer'], { kind: 'storefront', storeId: 's', keyId: 'k' }, {})?.problem.status).toBe(403);
    expect(accessProblem(['public'], { kind: 'anonymous', reason: 'x' }, {})).toBeUndefined();
  });
});

describe('principals', () => {
  it('reads marketers from cognito:groups, as an array or as API Gateway flattens it', () => {
    expect(principalFromClaims({ sub: 'u1', 'cognito:groups': ['marketers'] }, DEFAULT_TOKEN_SETTINGS)).toEqual({ kind: 'marketer', marketerId: 'u1' });
    expect(principalFromClaims({ sub: 'u1', 'cognito:groups': '[admins marketers]' }, DEFAULT_TOKEN_SETTINGS)).toEqual({ kind: 'marketer', marketerId: 'u1' });
    expect(claimGroups('[a b]')).toEqual(['a', 'b']);
  });

  it('reads customers from the configured claim and rejects tokens without a subject', () => {
    expect(principalFromClaims({ sub: 'c1' }, DEFAULT_TOKEN_SETTINGS)).toEqual({ kind: 'customer', customerId: 'c1' });
    expect(principalFromClaims({ sub: 'u', shop_customer: 'c9' }, { ...DEFAULT_TOKEN_SETTINGS, customerIdClaim: 'shop_customer' })).toEqual({
      kind: 'customer',
      customerId: 'c9',
    });
    expect(principalFromClaims({}, DEFAULT_TOKEN_SETTINGS).kind).toBe('anonymous');
  });

  it('reads the Lambda authorizer context', () => {
    expect(principalFromAuthorizerContext({ principalType: 'storefront', storeId: 's1', keyId: 'k1' })).toEqual({ kind: 'storefront', storeId: 's1', keyId: 'k1' });
    expect(principalFromAuthorizerContext({}).kind).toBe('anonymous');
  });
});

describe('personal data in logs', () => {
  it('masks emails in paths and text', async () => {
    const { maskEmail, maskEmailsInPath } = await import('../../shared/logger');
    expect(maskEmailsInPath('/v1/customers/jo.doe%40example.com/purchases')).toBe('/v1/customers/jo***@example.com/purchases');
    expect(maskEmailsInPath('/v1/customers/c-42/purchases')).toBe('/v1/customers/c-42/purchases');
    expect(maskEmail('contact shopper@example.com now')).toBe('contact sh***@example.com now');
  });
});
