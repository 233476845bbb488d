import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * DynamoDB writes that may fail a condition, spoken in the repository's own words: each transaction item carries a
 * label (`'account'`, `'stock'`, `'marker'`…), and a cancelled transaction answers which labels' conditions failed —
 * never positions for callers to decode.
 */
export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface LabelledItem<Label extends string> {
  readonly label: Label;
  readonly item: TransactItem;
}

export type TransactOutcome<Label extends string> =
  | { readonly kind: 'committed' }
  /** `failed`: labels whose condition failed, in request order; `contended`: another transaction touched an item. */
  | { readonly kind: 'cancelled'; readonly failed: readonly Label[]; readonly contended: boolean };

export async function transactWrite<Label extends string>(client: DynamoDBDocumentClient, items: readonly LabelledItem<Label>[]): Promise<TransactOutcome<Label>> {
  try {
    await client.send(new TransactWriteCommand({ TransactItems: items.map((entry) => entry.item) }));
    return { kind: 'committed' };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    const failed = items.flatMap((entry, index) => (reasons[index] === 'ConditionalCheckFailed' ? [entry.label] : []));
    // Another transaction on the same items, or throttling: retryable like a lost race.
    const contended = reasons.some((reason) => reason === 'TransactionConflict' || reason === 'ThrottlingError');
    // Anything else (validation, throttling beyond the SDK's retries) is not a condition: the caller must see it.
    if (failed.length === 0 && !contended) throw error;
    return { kind: 'cancelled', failed, contended };
  }
}

/** Runs a single conditional write: `'done'`, or `'condition-failed'` when its condition did not hold. */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<'done' | 'condition-failed'> {
  try {
    await write();
    return 'done';
  } catch (error) {
    if (isConditionalCheckFailure(error)) return 'condition-failed';
    throw error;
  }
}

export function isConditionalCheckFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException || (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}
