import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { ledgerPage } from './domain/catalog';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { getLedger as route } from './loyalty.routes';
import { ledgerEntryView } from './loyalty.views';

loyaltyRepository();

/** A storefront sees every entry's points but the order details of its own store's orders only. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, query, principal }) => {
  const viewer = principal.kind === 'storefront' ? { storeId: principal.storeId } : {};
  return pagedListing(query, (page) => ledgerPage(loyaltyRepository(), params.customerId, page), (entry) => ledgerEntryView(entry, viewer));
});
