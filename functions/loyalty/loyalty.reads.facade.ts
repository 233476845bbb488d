import { tierRank } from './domain/program';
import { loyaltyRepository } from './loyalty.context';

/**
 * What other services may read about loyalty, in-process and read-only (declared in loyalty's service.ts with read
 * access): the testimonials service scores case-study candidates by their tier. The loyalty table stays the loyalty
 * service's; this module is the only way in.
 */

/**
 * The customer's current tier and its rank among the current program's tiers (0 = the base, lowest tier). A customer
 * the program never moved up — or never saw — is in the base tier, as the balance shows them. Undefined when no program
 * is saved, or when the account's tier is not one of the current program's (a program change renamed or removed it):
 * there is nothing to rank it by.
 */
export async function customerTier(customerId: string): Promise<{ name: string; rank: number } | undefined> {
  const repository = loyaltyRepository();
  const [account, program] = await Promise.all([repository.getAccount(customerId), repository.getProgramCached()]);
  if (!program) return undefined;
  const name = account.tier?.name ?? program.tiers[0]?.name;
  if (name === undefined) return undefined;
  const rank = tierRank(program, name);
  return rank < 0 ? undefined : { name, rank };
}
