import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { createLogger } from '../../shared/logger';
import { adjustmentOutcome } from './adjustment.results';
import { adjustCustomerPoints, type AdjustmentRequest, type AdjustmentResult } from './domain/use-cases';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { batchAdjustments as route } from './loyalty.routes';

loyaltyRepository();
const logger = createLogger(SERVICE);

/** Distinct customers are distinct partitions: this many customers are adjusted at once. */
const CUSTOMER_CONCURRENCY = 16;
/**
 * No new transaction starts once less than this is left of the invocation: what is in flight settles, the rest is
 * reported `not-attempted`, and the response is sent only after everything settled — nothing is applied after it.
 */
const RESERVE_MS = 6_000;

/**
 * Up to 1,000 adjustments, each idempotent on its adjustmentId, with a result per item (same order). One customer's
 * items are applied in order, up to 30 per transaction; customers run in parallel.
 */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal, context }) => {
  const by = actorOf(principal);
  const at = now().toISOString();
  const deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS);
  const byCustomer = new Map<string, { index: number; request: AdjustmentRequest }[]>();
  body.items.forEach((item, index) => {
    const list = byCustomer.get(item.customerId) ?? [];
    list.push({ index, request: { ...item, by } });
    byCustomer.set(item.customerId, list);
  });
  const outcomes: AdjustmentResult[] = new Array(body.items.length);
  const queue = [...byCustomer.entries()];
  await Promise.all(
    Array.from({ length: Math.min(CUSTOMER_CONCURRENCY, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [customerId, entries] = next;
        let results: AdjustmentResult[];
        try {
          results = await adjustCustomerPoints(loyaltyRepository(), customerId, entries.map((entry) => entry.request), at, deadline);
        } catch (error) {
          // Storage failed mid-way: which of this customer's transactions landed is unknown, so every item says to
          // send it again (replays return what landed). The other customers' results still stand.
          logger.error('batch adjustments of a customer failed', error as Error);
          results = entries.map(() => ({ kind: 'failed', reason: 'storage did not answer' }));
        }
        entries.forEach((entry, position) => {
          outcomes[entry.index] = results[position] as AdjustmentResult;
        });
      }
    }),
  );
  const results = body.items.map((item, index) => {
    const outcome = adjustmentOutcome(outcomes[index] as AdjustmentResult);
    return { customerId: item.customerId, adjustmentId: item.adjustmentId, status: outcome.status, result: outcome.body };
  });
  const summary = {
    created: results.filter((result) => result.status === 201).length,
    replayed: results.filter((result) => result.status === 200).length,
    failed: results.filter((result) => result.status >= 400).length,
    notAttempted: outcomes.filter((outcome) => outcome.kind === 'not-attempted').length,
  };
  return { status: 200, body: { summary, results } };
});
