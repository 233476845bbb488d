import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { ledgerEntryView } from './loyalty.views';
import { getLedger as route } from './loyalty.routes';

loyaltyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, query, principal }) => {
  const viewer = principal.kind === 'storefront' ? { storeId: principal.storeId } : {};
  return pagedListing(query, (page) => loyaltyRepository().ledger(params.customerId, page.limit, page.cursor), (entry) => ledgerEntryView(entry, viewer));
});
