import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Reasons a transaction was cancelled, one per action in request order ('None' where that action was fine).
 * Lets repositories turn the exact failed condition into a precise domain outcome.
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  }
  return undefined;
}

export function isConditionalCheckFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException;
}
