import { DEFAULT_PAGE_SIZE, pageQuerySchema } from '../../shared/domain/pagination';
import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { eligibleFor } from './domain/use-cases';
import { InvalidLoyaltyCursor } from './loyalty.repository';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { rewardView } from './loyalty.views';

loyaltyRepository();

/** Marketers see the whole catalog; storefronts the active rewards; a customer what is active and eligible for them. */
export const handler = httpHandler({ service: SERVICE }, async ({ principal, query }) => {
  const page = pageQuerySchema.safeParse(query);
  if (!page.success) throw Problems.validation(fieldErrorsFromZod(page.error, '/query'));
  try {
    const repository = loyaltyRepository();
    const result = await repository.listRewards(page.data.limit ?? DEFAULT_PAGE_SIZE, page.data.cursor);
    let items = result.items;
    if (principal.kind === 'storefront') items = items.filter((reward) => reward.active);
    if (principal.kind === 'customer') {
      const [account, program] = await Promise.all([repository.getAccount(principal.customerId), repository.getProgramCached()]);
      items = items.filter((reward) => eligibleFor(reward, program, account.tier?.name));
    }
    return { status: 200, body: { items: items.map(rewardView), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) } };
  } catch (error) {
    if (error instanceof InvalidLoyaltyCursor) throw Problems.validation([{ pointer: '/query/cursor', detail: 'is not a cursor from this listing' }]);
    throw error;
  }
});
