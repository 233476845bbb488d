import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { redemptionsPage } from './domain/catalog';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { redemptionView } from './loyalty.views';
import { listRedemptions as route } from './loyalty.routes';

loyaltyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, query }) =>
  pagedListing(query, (page) => redemptionsPage(loyaltyRepository(), params.customerId, page), redemptionView),
);
