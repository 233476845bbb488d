import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import type { Reward } from './domain/records';
import { eligibleFor } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { listRewards as route } from './loyalty.routes';

loyaltyRepository();

/** Marketers see the whole catalog; storefronts the active rewards; a customer what is active and eligible for them. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ principal, query }) => {
  const repository = loyaltyRepository();
  let keep: (reward: Reward) => boolean = () => true;
  if (principal.kind === 'storefront') keep = (reward) => reward.active;
  if (principal.kind === 'customer') {
    const [account, program] = await Promise.all([repository.getAccount(principal.customerId), repository.getProgramCached()]);
    keep = (reward) => eligibleFor(reward, program, account.tier?.name);
  }
  return pagedListing(query, (page) => repository.listRewards(page.limit, page.cursor), (reward) => reward, keep);
});
