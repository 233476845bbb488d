import { now } from '../../shared/clock';
import { formatMinor } from '../../shared/domain/money';
import { httpHandler } from '../../shared/http/stack';
import { balance } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { getLoyaltyBalance as route } from './loyalty.routes';

loyaltyRepository();

/** One GetItem for the account, one Query for lots and spend (plus the cached program). Unknown customers have zero. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => ({
  status: 200,
  body: await balance(loyaltyRepository(), params.customerId, now().toISOString(), formatMinor),
}));
