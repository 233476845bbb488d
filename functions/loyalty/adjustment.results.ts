import { Problems } from '../../shared/http/problem';
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
  }
}

function problemBody(problem: ReturnType<typeof Problems.conflict>): { status: number; body: Record<string, unknown> } {
  return { status: problem.problem.status, body: { ...problem.problem } };
}
