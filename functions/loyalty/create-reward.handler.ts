import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { createReward } from './domain/catalog';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { createReward as route } from './loyalty.routes';
import { savedReward } from './reward.results';

loyaltyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const { rewardId, ...input } = body;
  const reward = savedReward(await createReward(loyaltyRepository(), rewardId, input, actorOf(principal), now().toISOString()), rewardId);
  return { status: 201, body: reward, headers: { location: `/v1/rewards/${encodeURIComponent(rewardId)}` } };
});
