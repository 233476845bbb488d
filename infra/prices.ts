/**
 * AWS list prices used by `npm run bench` to turn measured usage into $ per million purchases: us-east-1, on-demand,
 * no free tier. Checked 2026-11-22 against AWS's public pricing pages (DynamoDB on-demand after the November 2024
 * reduction). Update the date with the figures.
 */
export const PRICES = {
  region: 'us-east-1',
  checkedOn: '2026-11-22',
  dynamoDbWriteRequestUnit: 0.625 / 1e6,
  dynamoDbReadRequestUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  /** arm64 (Graviton), per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  eventBridgeCustomEvent: 1.0 / 1e6,
  /** CloudWatch Logs standard ingestion, per GB. */
  cloudWatchLogsIngestedGb: 0.5,
  /** API Gateway HTTP API, per request (first 300 million a month). */
  httpApiRequest: 1.0 / 1e6,
} as const;

export interface UsagePerPurchase {
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly events: number;
  readonly logBytes: number;
  readonly apiRequests: number;
}

/** $ per million purchases, by line item and in total (X-Ray and storage aside). */
export function costPerMillion(usage: UsagePerPurchase): Record<string, number> {
  const lines = {
    dynamoDbWrites: usage.writeUnits * PRICES.dynamoDbWriteRequestUnit,
    dynamoDbReads: usage.readUnits * PRICES.dynamoDbReadRequestUnit,
    lambdaRequests: usage.invocations * PRICES.lambdaRequest,
    lambdaDuration: usage.gbSeconds * PRICES.lambdaArmGbSecond,
    eventBridge: usage.events * PRICES.eventBridgeCustomEvent,
    logs: (usage.logBytes / 1024 ** 3) * PRICES.cloudWatchLogsIngestedGb,
    httpApi: usage.apiRequests * PRICES.httpApiRequest,
  };
  const perMillion = Object.fromEntries(Object.entries(lines).map(([line, dollars]) => [line, dollars * 1e6]));
  return { ...perMillion, total: Object.values(perMillion).reduce((sum, value) => sum + value, 0) };
}
