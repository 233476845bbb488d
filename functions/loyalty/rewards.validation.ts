import { Problems } from '../../shared/http/problem';
import type { Program } from './domain/program';

/** A reward's minimum tier must name a tier of the current program. */
export function checkMinimumTier(minimumTier: string | undefined, program: Program | undefined): void {
  if (minimumTier === undefined) return;
  if (!program?.tiers.some((tier) => tier.name === minimumTier)) {
    throw Problems.validation([{ pointer: '/minimumTier', detail: `is not a tier of the current program${program ? ` (${program.tiers.map((tier) => tier.name).join(', ')})` : ''}` }]);
  }
}
