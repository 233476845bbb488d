import { pagedListing } from '../../shared/http/listing';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { rewardsPage, type CatalogViewer } from './domain/catalog';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { listRewards as route } from './loyalty.routes';

loyaltyRepository();

/** Marketers see the whole catalog; storefronts the active rewards; a customer what is active and eligible for them. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ principal, query }) => {
  let viewer: CatalogViewer;
  if (principal.kind === 'customer') viewer = { kind: 'customer', customerId: principal.customerId };
  else if (principal.kind === 'storefront' || principal.kind === 'marketer') viewer = { kind: principal.kind };
  else throw Problems.unauthorized();
  return pagedListing(query, (page) => rewardsPage(loyaltyRepository(), viewer, page), (reward) => reward);
});
