import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newAccount, type Account } from '../../functions/loyalty/domain/account';
import { planEarn } from '../../functions/loyalty/domain/operations';
import type { Program } from '../../functions/loyalty/domain/program';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';

/**
 * Seeds pending point lots that are already due for release, fast: each customer's purchases are planned by the
 * domain (planEarn) and turned into items by the loyalty repository's own commit — captured instead of sent — so the
 * items are exactly the ones the award writes (the lot with its due-index keys, the account with its version and
 * totals). Only the account and lot items are written, with BatchWriteItem: that is the whole state the release
 * schedule reads. (Ledger, earn and spend items are left out; the release does not read them.)
 */
export interface SeedOptions {
  readonly prefix: string;
  readonly customers: number;
  readonly lotsPerCustomer: number;
  readonly program: Program;
  /** When the purchases were awarded; their lots are due `program.pendingDays` later. */
  readonly awardedAt: string;
  readonly concurrency?: number;
}

export interface Seeded {
  readonly customerIds: string[];
  readonly lots: number;
  readonly pendingPoints: number;
}

type Item = Record<string, unknown>;

/** The items the repository's commit of a plan would write, by capturing its TransactWrite. */
function capturingRepository(tableName: string): { repository: LoyaltyRepository; take: () => Item[] } {
  let captured: Item[] = [];
  const client = {
    send: async (command: { input?: { TransactItems?: { Put?: { Item?: Item } }[] } }) => {
      for (const entry of command.input?.TransactItems ?? []) if (entry.Put?.Item) captured.push(entry.Put.Item);
      return {};
    },
  };
  return {
    repository: new LoyaltyRepository(client as unknown as DynamoDBDocumentClient, tableName),
    take: () => {
      const items = captured;
      captured = [];
      return items;
    },
  };
}

export async function dueLotItems(tableName: string, options: Omit<SeedOptions, 'concurrency'>): Promise<{ items: Item[]; seeded: Seeded }> {
  const { repository, take } = capturingRepository(tableName);
  const items: Item[] = [];
  const customerIds: string[] = [];
  let lots = 0;
  let pendingPoints = 0;
  for (let c = 0; c < options.customers; c++) {
    const customerId = `${options.prefix}-c${c}`;
    customerIds.push(customerId);
    let account: Account = newAccount(customerId);
    let accountItem: Item | undefined;
    for (let n = 0; n < options.lotsPerCustomer; n++) {
      const purchase = { storeId: 'bench', orderId: `${customerId}-o${n}`, customerId, amountMinor: 1_000 + ((c * 7 + n * 13) % 9_000), currency: 'USD', items: [], occurredAt: options.awardedAt };
      const plan = planEarn(account, options.program, purchase, 0, options.awardedAt);
      const outcome = await repository.commit(plan, { program: options.program });
      if (outcome.kind !== 'committed') throw new Error(`planning the seed of ${customerId} failed`);
      for (const item of take()) {
        if (item.sk === 'ACCOUNT') accountItem = item;
        else if (String(item.sk).startsWith('LOT#')) {
          items.push(item);
          if ((item.lot as { status?: unknown } | undefined)?.status === 'pending') lots++;
        }
      }
      account = plan.change.account;
    }
    if (accountItem) items.push(accountItem);
    pendingPoints += account.pending;
  }
  return { items, seeded: { customerIds, lots, pendingPoints } };
}

/** Writes the due lots and their accounts; answers what was seeded. */
export async function seedDueLots(client: DynamoDBDocumentClient, tableName: string, options: SeedOptions): Promise<Seeded> {
  const { items, seeded } = await dueLotItems(tableName, options);
  const batches: Item[][] = [];
  for (let at = 0; at < items.length; at += 25) batches.push(items.slice(at, at + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = (batches[next++] ?? []).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 20) throw new Error('BatchWriteItem left items unprocessed after 20 attempts');
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (result.UnprocessedItems?.[tableName] ?? []).flatMap((request) => (request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : []));
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return seeded;
}
