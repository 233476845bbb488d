import { DEFAULT_PAGE_SIZE, pageQuerySchema } from '../../shared/domain/pagination';
import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { InvalidLoyaltyCursor } from './loyalty.repository';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { customerParams } from './loyalty.schema';
import { ledgerEntryView } from './loyalty.views';

loyaltyRepository();

export const handler = httpHandler({ service: SERVICE, params: customerParams }, async ({ params, query }) => {
  const page = pageQuerySchema.safeParse(query);
  if (!page.success) throw Problems.validation(fieldErrorsFromZod(page.error, '/query'));
  try {
    const result = await loyaltyRepository().ledger(params.customerId, page.data.limit ?? DEFAULT_PAGE_SIZE, page.data.cursor);
    return { status: 200, body: { items: result.items.map(ledgerEntryView), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) } };
  } catch (error) {
    if (error instanceof InvalidLoyaltyCursor) throw Problems.validation([{ pointer: '/query/cursor', detail: 'is not a cursor from this listing' }]);
    throw error;
  }
});
