import { type HttpProblem, Problems } from '../../shared/http/problem';
import type { AdjustmentResult } from './domain/use-cases';

/** Maps an adjustment outcome to HTTP (shared by the single and batch routes). */
export function adjustmentOutcome(result: AdjustmentResult): { status: number; body: Record<string, unknown> } {
  switch (result.kind) {
    case 'created':
      return { status: 201, body: { entryId: result.entryId, balance: result.balance } };
    case 'replayed':
      return { status: 200, body: { entryId: result.entryId, balance: result.balance } };
    case 'conflict':
      return problemBody(Problems.conflict('adjustment-conflict', 'This adjustmentId was already used with different points or reason'));
    case 'insufficient-points':
      return problemBody(
        Problems.conflict('insufficient-points', `Only ${result.available} points are available; the program does not allow negative balances`, { available: result.available }),
      );
    case 'limit-exceeded':
      return problemBody(
        Problems.unprocessable('account-limit', `This adjustment would take the customer's point totals past ${Number.MAX_SAFE_INTEGER}, the most an account can hold`),
      );
    case 'failed':
      return problemBody(Problems.unavailable('adjustment-failed', `This adjustment could not be applied now (${result.reason}); send it again: adjustments are idempotent on adjustmentId`));
    case 'not-attempted':
      return problemBody(
        Problems.unavailable('not-attempted', 'The batch ran out of time before this item was tried; nothing was written for it. Send it again: adjustments are idempotent on adjustmentId'),
      );
  }
}

function problemBody(problem: HttpProblem): { status: number; body: Record<string, unknown> } {
  return { status: problem.problem.status, body: { ...problem.problem } };
}
