import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { adjustmentOutcome } from './adjustment.results';
import { adjustPoints } from './domain/use-cases';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { batchAdjustmentBody } from './loyalty.schema';

loyaltyRepository();

// Distinct customers write to distinct partitions; 20 at a time keeps a 1,000-item batch well inside API Gateway's 30 s.
const CONCURRENCY = 20;

/** Up to 1,000 adjustments, each idempotent on its adjustmentId, with a result per item (same order). */
export const handler = httpHandler({ service: SERVICE, body: batchAdjustmentBody, maxBodyBytes: 512 * 1024 }, async ({ body, principal }) => {
  const by = actorOf(principal);
  const at = now().toISOString();
  const results: { customerId: string; adjustmentId: string; status: number; result: Record<string, unknown> }[] = new Array(body.items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < body.items.length) {
        const index = next++;
        const item = body.items[index] as (typeof body.items)[number];
        const outcome = adjustmentOutcome(await adjustPoints(loyaltyRepository(), { ...item, by }, at));
        results[index] = { customerId: item.customerId, adjustmentId: item.adjustmentId, status: outcome.status, result: outcome.body };
      }
    }),
  );
  const summary = {
    created: results.filter((result) => result.status === 201).length,
    replayed: results.filter((result) => result.status === 200).length,
    failed: results.filter((result) => result.status >= 400).length,
  };
  return { status: 200, body: { summary, results } };
});
