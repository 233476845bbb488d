import { now } from '../../shared/clock';
import { scheduleHandler } from '../../shared/schedules/stack';
import { expireDuePoints, releaseDuePoints, reviewTiers, sendExpiryReminders } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';

loyaltyRepository();

/**
 * The loyalty schedules, by the names declared in functions/loyalty/service.ts. Each pages through its due items,
 * all shards at once, for as long as the invocation's time allows; what is left (`more: true`) the next run does.
 */
export const handler = scheduleHandler({
  service: SERVICE,
  jobs: {
    'loyalty-release-pending': ({ timeLeftMs }) => releaseDuePoints(loyaltyRepository(), now().toISOString(), { timeLeftMs }),
    'loyalty-expire-points': ({ timeLeftMs }) => expireDuePoints(loyaltyRepository(), now().toISOString(), { timeLeftMs }),
    'loyalty-expiry-reminders': ({ timeLeftMs }) => sendExpiryReminders(loyaltyRepository(), now().toISOString(), { timeLeftMs }),
    'loyalty-tier-review': ({ timeLeftMs }) => reviewTiers(loyaltyRepository(), now().toISOString(), { timeLeftMs }),
  },
});
