import type { Page } from '../../../shared/domain/pagination';
import type { LedgerEntry } from './account';
import type { Program } from './program';
import type { Redemption, Reward } from './records';
import type { LoyaltyStore } from './store';
import { eligibleFor } from './use-cases';

/**
 * The loyalty use cases that read, and the reward catalog: what the program is, a customer's ledger and
 * redemptions, which rewards a caller may see, creating and replacing rewards. Pure decisions over the store port.
 */
export type CatalogStore = Pick<LoyaltyStore, 'getProgram' | 'getProgramCached' | 'getAccount' | 'ledger' | 'getReward'> & {
  listRewards(limit: number, cursor?: string): Promise<Page<Reward>>;
  putReward(reward: Reward, create: boolean): Promise<'saved' | 'exists' | 'missing'>;
  listRedemptions(customerId: string, limit: number, cursor?: string): Promise<Page<Redemption>>;
};

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export function currentProgram(store: CatalogStore): Promise<Program | undefined> {
  return store.getProgram();
}

export function ledgerPage(store: CatalogStore, customerId: string, page: PageRequest): Promise<Page<LedgerEntry>> {
  return store.ledger(customerId, page.limit, page.cursor);
}

export function redemptionsPage(store: CatalogStore, customerId: string, page: PageRequest): Promise<Page<Redemption>> {
  return store.listRedemptions(customerId, page.limit, page.cursor);
}

/** Who is looking at the catalog decides what they see. */
export type CatalogViewer = { readonly kind: 'marketer' } | { readonly kind: 'storefront' } | { readonly kind: 'customer'; readonly customerId: string };

/**
 * One page of the catalog for a viewer: marketers see every reward; storefronts the active ones; a customer what is
 * active, in stock and allowed for their tier. (A page may hold fewer items than the limit after filtering; the
 * cursor still moves on.)
 */
export async function rewardsPage(store: CatalogStore, viewer: CatalogViewer, page: PageRequest): Promise<Page<Reward>> {
  let keep: (reward: Reward) => boolean = () => true;
  if (viewer.kind === 'storefront') keep = (reward) => reward.active;
  if (viewer.kind === 'customer') {
    const [account, program] = await Promise.all([store.getAccount(viewer.customerId), store.getProgramCached()]);
    keep = (reward) => eligibleFor(reward, program, account.tier?.name);
  }
  const result = await store.listRewards(page.limit, page.cursor);
  return { ...result, items: result.items.filter(keep) };
}

export type RewardInput = Omit<Reward, 'rewardId' | 'createdAt' | 'updatedAt' | 'updatedBy'>;

export type SaveRewardResult =
  | { readonly kind: 'saved'; readonly reward: Reward }
  | { readonly kind: 'exists' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'unknown-tier'; readonly tiers: readonly string[] | undefined };

/** A reward's minimum tier must name a tier of the current program. */
function tierProblem(minimumTier: string | undefined, program: Program | undefined): SaveRewardResult | undefined {
  if (minimumTier === undefined || program?.tiers.some((tier) => tier.name === minimumTier)) return undefined;
  return { kind: 'unknown-tier', tiers: program?.tiers.map((tier) => tier.name) };
}

export async function createReward(store: CatalogStore, rewardId: string, input: RewardInput, by: string, now: string): Promise<SaveRewardResult> {
  const problem = tierProblem(input.minimumTier, await store.getProgram());
  if (problem) return problem;
  const reward: Reward = { ...input, rewardId, createdAt: now, updatedAt: now, updatedBy: by };
  return (await store.putReward(reward, true)) === 'saved' ? { kind: 'saved', reward } : { kind: 'exists' };
}

/** Replaces a reward's definition (including its remaining stock, when given); it keeps its creation time. */
export async function replaceReward(store: CatalogStore, rewardId: string, input: RewardInput, by: string, now: string): Promise<SaveRewardResult> {
  const existing = await store.getReward(rewardId);
  if (!existing) return { kind: 'not-found' };
  const problem = tierProblem(input.minimumTier, await store.getProgram());
  if (problem) return problem;
  const reward: Reward = { ...input, rewardId, createdAt: existing.createdAt, updatedAt: now, updatedBy: by };
  return (await store.putReward(reward, false)) === 'saved' ? { kind: 'saved', reward } : { kind: 'not-found' };
}
