import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import type { Reward } from './domain/records';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { checkMinimumTier } from './rewards.validation';
import { createReward as route } from './loyalty.routes';

loyaltyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const repository = loyaltyRepository();
  checkMinimumTier(body.minimumTier, await repository.getProgram());
  const at = now().toISOString();
  const reward: Reward = { ...body, createdAt: at, updatedAt: at, updatedBy: actorOf(principal) };
  const outcome = await repository.putReward(reward, true);
  if (outcome === 'exists') throw Problems.conflict('reward-exists', `A reward with id ${body.rewardId} exists; use PUT /v1/rewards/${body.rewardId} to change it`);
  return { status: 201, body: reward, headers: { location: `/v1/rewards/${encodeURIComponent(body.rewardId)}` } };
});
