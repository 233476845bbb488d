import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { purchaseView } from './domain/purchase';
import { customerPurchases } from './domain/queries';
import { purchasesRepository, SERVICE } from './purchases.context';
import { listCustomerPurchases as route } from './purchases.routes';

purchasesRepository();

/** Storefronts see the customer's purchases in their own store; the customer and marketers see all of them. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ principal, params, query }) =>
  pagedListing(
    query,
    (page) =>
      customerPurchases(purchasesRepository(), {
        customerId: params.customerId,
        storeId: principal.kind === 'storefront' ? principal.storeId : undefined,
        ...page,
      }),
    (purchase) => purchaseView(purchase),
  ),
);
