import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import type { Reward } from './domain/records';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { checkMinimumTier } from './rewards.validation';
import { updateReward as route } from './loyalty.routes';

loyaltyRepository();

/** Replaces a reward's definition (including its remaining stock, when given). */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, params, principal }) => {
  const repository = loyaltyRepository();
  const existing = await repository.getReward(params.rewardId);
  if (!existing) throw Problems.notFound(`No reward ${params.rewardId}`);
  checkMinimumTier(body.minimumTier, await repository.getProgram());
  const reward: Reward = { ...body, rewardId: params.rewardId, createdAt: existing.createdAt, updatedAt: now().toISOString(), updatedBy: actorOf(principal) };
  if ((await repository.putReward(reward, false)) === 'missing') throw Problems.notFound(`No reward ${params.rewardId}`);
  return { status: 200, body: reward };
});
