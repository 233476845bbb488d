import { Problems } from '../../shared/http/problem';
import type { SaveRewardResult } from './domain/catalog';
import type { Reward } from './domain/records';

/** Maps saving a reward to HTTP (shared by create and replace). */
export function savedReward(result: SaveRewardResult, rewardId: string): Reward {
  switch (result.kind) {
    case 'saved':
      return result.reward;
    case 'exists':
      throw Problems.conflict('reward-exists', `A reward with id ${rewardId} exists; use PUT /v1/rewards/${rewardId} to change it`);
    case 'not-found':
      throw Problems.notFound(`No reward ${rewardId}`);
    case 'unknown-tier':
      throw Problems.validation([{ pointer: '/minimumTier', detail: `is not a tier of the current program${result.tiers ? ` (${result.tiers.join(', ')})` : ''}` }]);
  }
}
