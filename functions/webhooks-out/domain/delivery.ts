import { createHash } from 'node:crypto';
import { DISABLE_AFTER_FAILING_MS, MAX_ATTEMPTS, nextAttemptAt } from './schedule';
import type { DisabledReason, Endpoint } from './endpoint';

/**
 * One message to one endpoint, and every attempt at it. A message is an event as Standard Webhooks sends it: its id
 * (`webhook-id`) is derived from the event's own id, so a redelivered event is the same message — created once per
 * endpoint, and the same id on every retry, for receivers to deduplicate on.
 */
export interface Message {
  readonly messageId: string;
  readonly eventType: string;
  readonly eventId: string;
  readonly occurredAt: string;
  /** The exact body signed and sent on every attempt: `{"type","timestamp","data"}`. */
  readonly body: string;
  /** The customer the event concerns, when it names one: erasure finds the payloads it must delete by it. */
  readonly customerId?: string;
}

export type AttemptTrigger = 'event' | 'retry' | 'replay';

export interface Attempt {
  readonly at: string;
  readonly trigger: AttemptTrigger;
  readonly outcome: 'succeeded' | 'failed';
  /** The receiver's HTTP status, when it answered. */
  readonly status?: number;
  readonly latencyMs?: number;
  /** Why it failed, without the receiver's body: `status 500`, `timeout after 15 s`, `refused: 10.0.0.5 is private`… */
  readonly error?: string;
}

/** Why a delivery failed for good: the one list the stored shape, the API's schema and the type derive from. */
export const FAILED_REASONS = ['exhausted', 'gone', 'endpoint-disabled', 'endpoint-deleted', 'payload-expired'] as const;
export type FailedReason = (typeof FAILED_REASONS)[number];

export interface Delivery {
  readonly endpointId: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly occurredAt: string;
  readonly customerId?: string;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly failedReason?: FailedReason;
  /** Newest last, at most MAX_KEPT_ATTEMPTS (attemptCount counts them all). */
  readonly attempts: readonly Attempt[];
  readonly attemptCount: number;
  /** Attempts since the delivery was created or last replayed: the retry schedule's position. */
  readonly attemptsInSeries: number;
  /** Pending: when it is next due (or, while an attempt is in flight, when that attempt's lease ends). */
  readonly nextAttemptAt?: string;
  readonly createdAt: string;
  readonly version: number;
}

export const MAX_KEPT_ATTEMPTS = 30;

/** `msg_` + the event's time (base 36 milliseconds, so ids sort by time) + 16 hex of its id's hash. */
export function messageIdOf(eventId: string, occurredAt: string): string {
  const time = Date.parse(occurredAt);
  if (!Number.isFinite(time) || time < 0) throw new RangeError(`occurredAt ${occurredAt} is not a time`);
  return `msg_${timePrefix(time)}${createHash('sha256').update(eventId).digest('hex').slice(0, 16)}`;
}

/** The id prefix every message from `time` on sorts at or after (replay "since"). */
export function messageIdFloor(time: number): string {
  return `msg_${timePrefix(time)}`;
}

const timePrefix = (time: number) => time.toString(36).padStart(9, '0');

export function newDelivery(endpointId: string, message: Message, now: string, leaseUntil: string): Delivery {
  return {
    endpointId,
    messageId: message.messageId,
    eventType: message.eventType,
    occurredAt: message.occurredAt,
    ...(message.customerId ? { customerId: message.customerId } : {}),
    status: 'pending',
    attempts: [],
    attemptCount: 0,
    attemptsInSeries: 0,
    nextAttemptAt: leaseUntil,
    createdAt: now,
    version: 1,
  };
}

/** What sending produced: the receiver's answer, or why there was none. */
export type SendResult =
  | { readonly kind: 'answered'; readonly status: number; readonly latencyMs: number }
  | { readonly kind: 'failed'; readonly error: string; readonly latencyMs?: number };

/** How an attempt's result changes the endpoint: nothing, its failing streak starts or ends, or it is disabled. */
export type EndpointEffect =
  | { readonly kind: 'none' }
  | { readonly kind: 'failing-since'; readonly at: string }
  | { readonly kind: 'recovered' }
  | { readonly kind: 'disable'; readonly reason: Extract<DisabledReason, 'gone' | 'failing'> };

/**
 * Records an attempt: 2xx delivered; 410 Gone fails it for good and disables the endpoint; anything else (3xx — we
 * follow no redirects —, 4xx, 5xx, timeouts, refused addresses) is retried on the schedule until it is spent.
 */
export function recordAttempt(
  delivery: Delivery,
  endpoint: Pick<Endpoint, 'failingSince'>,
  result: SendResult,
  trigger: AttemptTrigger,
  at: string,
  random: () => number = Math.random,
): { delivery: Delivery; effect: EndpointEffect } {
  const succeeded = result.kind === 'answered' && result.status >= 200 && result.status < 300;
  const attempt: Attempt = {
    at,
    trigger,
    outcome: succeeded ? 'succeeded' : 'failed',
    ...(result.kind === 'answered' ? { status: result.status } : { error: result.error }),
    ...(result.latencyMs === undefined ? {} : { latencyMs: result.latencyMs }),
    ...(result.kind === 'answered' && !succeeded ? { error: `status ${result.status}` } : {}),
  };
  const attempts = [...delivery.attempts, attempt].slice(-MAX_KEPT_ATTEMPTS);
  const base = { ...delivery, attempts, attemptCount: delivery.attemptCount + 1, attemptsInSeries: delivery.attemptsInSeries + 1, version: delivery.version + 1 };
  const { nextAttemptAt: _due, failedReason: _reason, ...rest } = base;
  if (succeeded) {
    return { delivery: { ...rest, status: 'succeeded' }, effect: endpoint.failingSince ? { kind: 'recovered' } : { kind: 'none' } };
  }
  if (result.kind === 'answered' && result.status === 410) {
    return { delivery: { ...rest, status: 'failed', failedReason: 'gone' }, effect: { kind: 'disable', reason: 'gone' } };
  }
  const effect: EndpointEffect = !endpoint.failingSince
    ? { kind: 'failing-since', at }
    : Date.parse(at) - Date.parse(endpoint.failingSince) >= DISABLE_AFTER_FAILING_MS
      ? { kind: 'disable', reason: 'failing' }
      : { kind: 'none' };
  const next = base.attemptsInSeries < MAX_ATTEMPTS ? nextAttemptAt(base.attemptsInSeries, at, random) : undefined;
  if (next === undefined || effect.kind === 'disable') {
    return { delivery: { ...rest, status: 'failed', failedReason: effect.kind === 'disable' ? 'endpoint-disabled' : 'exhausted' }, effect };
  }
  return { delivery: { ...rest, status: 'pending', nextAttemptAt: next }, effect };
}

/** A delivery that cannot be attempted (its endpoint is gone or off, its payload expired) fails with that reason. */
export function abandon(delivery: Delivery, reason: FailedReason): Delivery {
  const { nextAttemptAt: _due, ...rest } = delivery;
  return { ...rest, status: 'failed', failedReason: reason, version: delivery.version + 1 };
}

/** Replay: the delivery starts a new series on the retry schedule, due at `dueAt`. */
export function replay(delivery: Delivery, dueAt: string): Delivery {
  const { failedReason: _reason, ...rest } = delivery;
  return { ...rest, status: 'pending', attemptsInSeries: 0, nextAttemptAt: dueAt, version: delivery.version + 1 };
}

/** An attempt starts: the delivery is held until `leaseUntil`, so no other sender attempts it meanwhile. */
export function lease(delivery: Delivery, leaseUntil: string): Delivery {
  return { ...delivery, nextAttemptAt: leaseUntil, version: delivery.version + 1 };
}

/** The endpoint after an attempt's effect (undefined: unchanged). */
export function applyEffect(endpoint: Endpoint, effect: EndpointEffect, at: string): Endpoint | undefined {
  switch (effect.kind) {
    case 'none':
      return undefined;
    case 'failing-since':
      return endpoint.failingSince ? undefined : { ...endpoint, failingSince: effect.at, updatedAt: at, version: endpoint.version + 1 };
    case 'recovered': {
      if (!endpoint.failingSince) return undefined;
      const { failingSince: _since, ...rest } = endpoint;
      return { ...rest, updatedAt: at, version: endpoint.version + 1 };
    }
    case 'disable':
      if (!endpoint.enabled) return undefined;
      return { ...endpoint, enabled: false, disabled: { reason: effect.reason, at }, updatedAt: at, version: endpoint.version + 1 };
  }
}
