import { now } from '../../shared/clock';
import { scheduleHandler } from '../../shared/schedules/stack';
import { expireDuePoints, releaseDuePoints, reviewTiers, sendExpiryReminders } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';

loyaltyRepository();

/** The loyalty schedules, by the names declared in functions/loyalty/service.ts. */
export const handler = scheduleHandler({
  service: SERVICE,
  jobs: {
    'loyalty-release-pending': () => releaseDuePoints(loyaltyRepository(), now().toISOString()),
    'loyalty-expire-points': () => expireDuePoints(loyaltyRepository(), now().toISOString()),
    'loyalty-expiry-reminders': () => sendExpiryReminders(loyaltyRepository(), now().toISOString()),
    'loyalty-tier-review': () => reviewTiers(loyaltyRepository(), now().toISOString()),
  },
});
