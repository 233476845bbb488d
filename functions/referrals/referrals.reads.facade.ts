import { referralsRepository } from './referrals.context';

/**
 * What other services may read about referrals, in-process and read-only (declared in referrals' service.ts with read
 * access): the testimonials service scores case-study candidates by how many friends an advocate brought who stayed.
 * The referrals table stays the referrals service's; this module is the only way in.
 */

/**
 * How many of the advocate's referrals were rewarded (the friend's first purchase stayed unrefunded through the hold),
 * from the advocate's referrals index, page by page (the referrals themselves, not the advocate's counters). The index
 * is eventually consistent: a referral rewarded in the last second may not be counted yet.
 */
export async function advocateRewardedReferrals(customerId: string): Promise<number> {
  const repository = referralsRepository();
  let rewarded = 0;
  let cursor: string | undefined;
  do {
    const page = await repository.listByAdvocate(customerId, 100, cursor);
    rewarded += page.items.filter((referral) => referral.status === 'rewarded').length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return rewarded;
}
