import { DEFAULT_PAGE_SIZE, pageQuerySchema } from '../../shared/domain/pagination';
import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { purchaseView } from './domain/purchase';
import { purchasesRepository, SERVICE } from './purchases.context';
import { InvalidCursorError } from './purchases.repository';
import { customerParams } from './purchase.schema';

purchasesRepository();

/** Storefronts see the customer's purchases in their own store; the customer and marketers see all of them. */
export const handler = httpHandler({ service: SERVICE, params: customerParams }, async ({ principal, params, query }) => {
  const page = pageQuerySchema.safeParse(query);
  if (!page.success) throw Problems.validation(fieldErrorsFromZod(page.error, '/query'));
  try {
    const result = await purchasesRepository().listCustomerPurchases({
      customerId: params.customerId,
      storeId: principal.kind === 'storefront' ? principal.storeId : undefined,
      limit: page.data.limit ?? DEFAULT_PAGE_SIZE,
      cursor: page.data.cursor,
    });
    return {
      status: 200,
      body: { items: result.items.map((purchase) => purchaseView(purchase)), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) },
    };
  } catch (error) {
    if (error instanceof InvalidCursorError) throw Problems.validation([{ pointer: '/query/cursor', detail: 'is not a cursor from this listing' }]);
    throw error;
  }
});
