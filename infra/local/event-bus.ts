import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../events/contract';
import { ConcurrencyLimit } from './concurrency';
import { compileEventPattern, type EventMatcher } from './event-pattern';
import type { DeadLetter, DeliveryState, Journal, JournalEntry } from './journal';
import { errorFields, runtimeLog } from './log';

/**
 * An EventBridge-faithful bus for one machine. PutEvents validates entries as EventBridge does and answers
 * per entry; the accepted events are journaled with their pending deliveries before the call returns (so a crash
 * loses nothing acknowledged). Delivery to a target function is asynchronous, like Lambda's async invoke:
 * concurrent up to a per-function limit (oldest first beyond it), an error is retried `retryAttempts` times with
 * growing delays, then the event is dead-lettered with the error and attempt count. Events older than the rule's
 * maximum age are dead-lettered without an attempt.
 */
export interface BusRule {
  readonly name: string;
  readonly pattern: unknown;
  readonly function: string;
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number | string | Date;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

export interface BusOptions {
  readonly busName: string;
  readonly region: string;
  readonly account: string;
  /** Delay before the first retry; Lambda waits about a minute, locally we default to one second. */
  readonly retryBaseDelayMs: number;
  readonly now: () => Date;
  /**
   * At most this many invocations of one target function at once (default 8); further events wait their turn, oldest
   * first, as on Lambda's asynchronous invocation queue when a function is at its concurrency limit.
   */
  readonly deliveryConcurrency?: number;
}

const MAX_ENTRY_BYTES = 256 * 1024;
const DEFAULT_DELIVERY_CONCURRENCY = 8;
const MAX_ENTRIES = 10;

export class PutEventsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

export class LocalEventBus {
  private readonly rules: { rule: BusRule; matcher: EventMatcher }[];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency = new Map<string, ConcurrencyLimit>();
  private stopped = false;

  constructor(
    rules: readonly BusRule[],
    private readonly journal: Journal,
    private readonly invoke: (functionName: string, event: unknown) => Promise<unknown>,
    private readonly options: BusOptions,
  ) {
    // An invalid pattern fails the start with EventBridge's reason (InvalidEventPatternException).
    this.rules = rules.map((rule) => ({ rule, matcher: compileEventPattern(rule.pattern) }));
  }

  get ruleNames(): string[] {
    return this.rules.map(({ rule }) => rule.name);
  }

  async putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult> {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new PutEventsValidationError(`Entries must contain between 1 and ${MAX_ENTRIES} items`);
    }
    const accepted: { entry: JournalEntry; rules: BusRule[] }[] = [];
    const results: PutEventsResult['Entries'] = entries.map((entry) => {
      const problem = validateEntry(entry, this.options.busName);
      if (problem) return problem;
      const journaled = this.journalEntry(entry);
      accepted.push(journaled);
      return { EventId: journaled.entry.event.id };
    });
    // One journal write for the whole call (and for calls arriving meanwhile), before the call is acknowledged.
    await this.journal.recordEvents(accepted.map(({ entry }) => entry));
    for (const { entry, rules } of accepted) {
      runtimeLog('INFO', 'event-bus', 'event accepted', { eventId: entry.event.id, detailType: entry.event['detail-type'], source: entry.event.source, rules: rules.length });
      for (const rule of rules) this.track(this.deliver(entry, rule));
    }
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private journalEntry(entry: PutEventsEntry): { entry: JournalEntry; rules: BusRule[] } {
    const receivedAt = this.options.now();
    const id = randomUUID();
    const event: EventEnvelope = {
      version: '0',
      id,
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: this.options.account,
      time: eventTime(entry.Time, receivedAt),
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail as string) as unknown,
    };
    const rules = this.rules.filter(({ matcher }) => matcher.matches(event)).map(({ rule }) => rule);
    const key = `${receivedAt.toISOString()}#${id}`;
    const deliveries: Record<string, DeliveryState> = Object.fromEntries(
      rules.map((rule) => [
        rule.name,
        { rule: rule.name, function: rule.function, status: 'pending', attempts: 0, updatedAt: receivedAt.toISOString() } satisfies DeliveryState,
      ]),
    );
    return { entry: { key, receivedAt: receivedAt.toISOString(), event, deliveries }, rules };
  }

  /** Resumes deliveries that were pending when the runtime stopped (or crashed). */
  async resumePending(): Promise<number> {
    const pending = await this.journal.pendingDeliveries();
    for (const { eventKey, rule: ruleName } of pending) {
      const entry = await this.journal.getEvent(eventKey);
      const rule = this.rules.find(({ rule: candidate }) => candidate.name === ruleName)?.rule;
      if (!entry || !rule) continue;
      this.track(this.deliver(entry, rule));
    }
    if (pending.length > 0) runtimeLog('INFO', 'event-bus', 'resumed pending deliveries', { count: pending.length });
    return pending.length;
  }

  /** Delivers a dead-lettered event to its target again (one fresh round of attempts). */
  async replay(letter: DeadLetter): Promise<void> {
    const rule = this.rules.find(({ rule: candidate }) => candidate.name === letter.source)?.rule;
    if (!rule) throw new Error(`No rule ${letter.source} in the topology any more`);
    const entry = letter.eventKey ? await this.journal.getEvent(letter.eventKey) : undefined;
    if (!entry) throw new Error(`Dead letter ${letter.id} has no journaled event to replay`);
    await this.journal.markPending(entry.key, rule.name);
    await this.journal.markDeadLetterReplayed(letter.id, this.options.now().toISOString());
    await this.deliver(entry, rule, { ignoreAge: true });
  }

  /** Waits for deliveries under way (tests and orderly shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private limit(functionName: string): ConcurrencyLimit {
    let limit = this.concurrency.get(functionName);
    if (!limit) this.concurrency.set(functionName, (limit = new ConcurrencyLimit(this.options.deliveryConcurrency ?? DEFAULT_DELIVERY_CONCURRENCY)));
    return limit;
  }

  private async deliver(entry: JournalEntry, rule: BusRule, options: { ignoreAge?: boolean } = {}): Promise<void> {
    const maxAttempts = 1 + rule.retryAttempts;
    let attempts = 0;
    let lastError = '';
    // Let the caller's response go out first: delivery is asynchronous.
    await new Promise((resolve) => setImmediate(resolve));
    while (attempts < maxAttempts && !this.stopped) {
      const ageSeconds = (this.options.now().getTime() - Date.parse(entry.receivedAt)) / 1000;
      if (!options.ignoreAge && ageSeconds > rule.maxEventAgeSeconds) {
        lastError = `event older than the maximum event age (${rule.maxEventAgeSeconds} s)`;
        break;
      }
      attempts++;
      try {
        const invoked = await this.limit(rule.function).run(async () => {
          if (this.stopped) return false;
          await this.invoke(rule.function, entry.event);
          return true;
        });
        if (!invoked) return; // stopped while waiting: still pending in the journal, resumed on the next start
        await this.journal.updateDelivery(entry.key, {
          rule: rule.name,
          function: rule.function,
          status: 'delivered',
          attempts,
          updatedAt: this.options.now().toISOString(),
        });
        runtimeLog('INFO', 'event-bus', 'event delivered', { eventId: entry.event.id, rule: rule.name, function: rule.function, attempts });
        return;
      } catch (error) {
        lastError = `${errorFields(error).errorType}: ${errorFields(error).errorMessage}`;
        await this.journal.updateDelivery(entry.key, {
          rule: rule.name,
          function: rule.function,
          status: 'pending',
          attempts,
          lastError,
          updatedAt: this.options.now().toISOString(),
        });
        if (attempts < maxAttempts) await sleep(this.options.retryBaseDelayMs * attempts);
      }
    }
    if (this.stopped) return; // still pending in the journal; resumed on the next start
    const now = this.options.now().toISOString();
    await this.journal.addDeadLetter({
      id: `${now}#${randomUUID().slice(0, 8)}`,
      kind: 'event',
      createdAt: now,
      source: rule.name,
      function: rule.function,
      payload: entry.event,
      error: lastError,
      attempts,
      eventKey: entry.key,
    });
    await this.journal.updateDelivery(entry.key, { rule: rule.name, function: rule.function, status: 'dead-lettered', attempts, lastError, updatedAt: now });
    runtimeLog('ERROR', 'event-bus', 'event dead-lettered', { eventId: entry.event.id, rule: rule.name, function: rule.function, attempts, error: lastError });
  }
}

function validateEntry(entry: PutEventsEntry, busName: string): { ErrorCode: string; ErrorMessage: string } | undefined {
  const invalid = (message: string) => ({ ErrorCode: 'InvalidArgument', ErrorMessage: message });
  if (entry.EventBusName && entry.EventBusName !== busName && !entry.EventBusName.endsWith(`:event-bus/${busName}`)) {
    return { ErrorCode: 'NotFound', ErrorMessage: `Event bus ${entry.EventBusName} does not exist.` };
  }
  if (!entry.Source) return invalid('Parameter Source is not valid. Reason: Source is a required argument.');
  if (!entry.DetailType) return invalid('Parameter DetailType is not valid. Reason: DetailType is a required argument.');
  if (!entry.Detail) return invalid('Parameter Detail is not valid. Reason: Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const size = Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
  if (size > MAX_ENTRY_BYTES) return invalid(`Total size of the entry exceeds the limit of ${MAX_ENTRY_BYTES} bytes.`);
  return undefined;
}

function eventTime(time: PutEventsEntry['Time'], fallback: Date): string {
  if (time === undefined) return stripMillis(fallback);
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? stripMillis(fallback) : stripMillis(date);
}

/** EventBridge envelopes carry second precision ("2026-11-22T09:30:00Z"). */
function stripMillis(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
