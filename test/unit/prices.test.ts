import { costPerMillion, PRICES } from '../../infra/prices';

describe('cost per million purchases', () => {
  it('prices each line from the usage of one purchase, and totals them', () => {
    const cost = costPerMillion({ writeUnits: 10, readUnits: 8, invocations: 5, gbSeconds: 0.1, events: 2, logBytes: 1024 ** 3 / 1e6, apiRequests: 1 });
    expect(cost.dynamoDbWrites).toBeCloseTo(6.25, 6);
    expect(cost.dynamoDbReads).toBeCloseTo(1, 6);
    expect(cost.lambdaRequests).toBeCloseTo(1, 6);
    expect(cost.lambdaDuration).toBeCloseTo(0.1 * PRICES.lambdaArmGbSecond * 1e6, 6);
    expect(cost.eventBridge).toBeCloseTo(2, 6);
    expect(cost.logs).toBeCloseTo(0.5, 6);
    expect(cost.httpApi).toBeCloseTo(1, 6);
    expect(cost.total).toBeCloseTo(6.25 + 1 + 1 + 0.1 * PRICES.lambdaArmGbSecond * 1e6 + 2 + 0.5 + 1, 6);
  });
});
