import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';

/** Sends up to 10 entries; answers one result per entry, in order (PutEvents' contract). */
export type Publisher = (entries: PutEventsRequestEntry[]) => Promise<PutEventsResultEntry[]>;

export interface Pending {
  readonly sequenceNumber: string;
  readonly entry: PutEventsRequestEntry;
  readonly eventId: string;
}

export interface Failed extends Pending {
  readonly errorCode: string;
}

const MAX_ENTRIES_PER_CALL = 10;

/**
 * Publishes every entry, in batches of 10, checking each entry's result (PutEvents succeeds as a call even
 * when entries fail: FailedEntryCount). Failed entries, and whole batches whose call threw, are retried with
 * exponential backoff; what still fails after `attempts` is returned.
 */
export async function publishAll(
  publish: Publisher,
  items: readonly Pending[],
  options: { attempts: number; baseDelayMs: number },
): Promise<Failed[]> {
  let remaining: Failed[] = items.map((item) => ({ ...item, errorCode: 'NotAttempted' }));
  for (let attempt = 0; attempt < options.attempts && remaining.length > 0; attempt++) {
    if (attempt > 0) await sleep(options.baseDelayMs * 2 ** (attempt - 1));
    const stillFailing: Failed[] = [];
    for (let start = 0; start < remaining.length; start += MAX_ENTRIES_PER_CALL) {
      const batch = remaining.slice(start, start + MAX_ENTRIES_PER_CALL);
      try {
        const results = await publish(batch.map((item) => item.entry));
        batch.forEach((item, index) => {
          const result = results[index];
          if (!result || result.ErrorCode || !result.EventId) {
            stillFailing.push({ ...item, errorCode: result?.ErrorCode ?? 'MissingResult' });
          }
        });
      } catch (error) {
        const code = (error as { name?: string }).name ?? 'PublishFailed';
        stillFailing.push(...batch.map((item) => ({ ...item, errorCode: code })));
      }
    }
    remaining = stillFailing;
  }
  return remaining;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
