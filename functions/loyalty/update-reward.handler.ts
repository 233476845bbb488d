import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { replaceReward } from './domain/catalog';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { updateReward as route } from './loyalty.routes';
import { savedReward } from './reward.results';

loyaltyRepository();

/** Replaces a reward's definition (including its remaining stock, when given). */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, params, principal }) => {
  const reward = savedReward(await replaceReward(loyaltyRepository(), params.rewardId, body, actorOf(principal), now().toISOString()), params.rewardId);
  return { status: 200, body: reward };
});
