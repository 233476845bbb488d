import { now } from '../../shared/clock';
import { HttpProblem } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { adjustmentOutcome } from './adjustment.results';
import { adjustPoints } from './domain/use-cases';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { createAdjustment as route } from './loyalty.routes';

loyaltyRepository();

/** A marketer adds or removes points, with a reason; idempotent on adjustmentId; audited (who, when). */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, params, principal }) => {
  const result = await adjustPoints(loyaltyRepository(), { customerId: params.customerId, ...body, by: actorOf(principal) }, now().toISOString());
  const outcome = adjustmentOutcome(result);
  if (outcome.status >= 400) throw new HttpProblem(outcome.body as never);
  return outcome;
});
