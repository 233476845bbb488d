import { randomBytes } from 'node:crypto';
import { RETRY, retryOnConflict } from '../../../shared/domain/optimistic';
import { dueShard, limiter, sweepDue } from '../../../shared/schedules/sweep';
import { checkAddress } from './addresses';
import { abandon, applyEffect, lease, messageIdFloor, messageIdOf, newDelivery, recordAttempt, replay, type AttemptTrigger, type Delivery, type Message } from './delivery';
import { bareHost, checkEndpointUrl, ENDPOINT_LIMITS, rotateSecret, signingSecrets, type Endpoint } from './endpoint';
import { ATTEMPT_LEASE_MS, PAYLOAD_RETENTION_DAYS } from './schedule';
import { newSigningSecret, signatureHeader } from './signing';
import type { WebhookSender, WebhooksOutStore } from './store';

/**
 * The outbound webhooks use cases: endpoints and their secrets, fanning an event out to the endpoints that subscribe
 * to it, attempting deliveries on the retry schedule, and replay. Pure of AWS: storage, sending and name resolution are
 * ports.
 */
export interface WebhooksOutDeps {
  readonly store: WebhooksOutStore;
  readonly sender: WebhookSender;
  /** The service's clock (the local test clock moves it): schedules, leases, the failing streak. */
  readonly now: () => string;
  /**
   * The real time, for `webhook-timestamp`: receivers check it against their own clock (±5 minutes), so it is never
   * the shifted test clock.
   */
  readonly wallClockSeconds: () => number;
  /** Loopback endpoints (http://127.0.0.1:…) are accepted: the local runtime only. */
  readonly allowLoopback: boolean;
  /** The addresses a host name resolves to (empty when it does not resolve). */
  readonly resolve: (host: string) => Promise<string[]>;
  readonly random?: () => number;
}

export const DUE_SHARDS = 8;
export const shardOf = (endpointId: string, messageId: string): number => dueShard(`${endpointId}/${messageId}`, DUE_SHARDS);
const CONFLICTS = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 } as const;
const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

export type FieldProblem = { pointer: string; detail: string };

// ---- endpoints

export interface EndpointInput {
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
  readonly enabled?: boolean;
}

async function checkUrl(deps: WebhooksOutDeps, raw: string): Promise<FieldProblem | undefined> {
  const verdict = checkEndpointUrl(raw, { allowLoopback: deps.allowLoopback });
  if (!verdict.ok) return { pointer: '/url', detail: verdict.reason };
  // A name is refused when it resolves somewhere forbidden now; one that does not resolve yet is accepted (its
  // deliveries fail and retry until it does). Every request checks again where it connects.
  for (const address of await deps.resolve(bareHost(verdict.url))) {
    const check = checkAddress(address, { allowLoopback: deps.allowLoopback });
    if (!check.allowed) return { pointer: '/url', detail: `must not point at a private address (${verdict.url.hostname} resolves to ${check.reason})` };
  }
  return undefined;
}

export type CreateEndpointResult = { kind: 'created'; endpoint: Endpoint; secret: string } | { kind: 'invalid'; errors: FieldProblem[] } | { kind: 'limit' };

export async function createEndpoint(deps: WebhooksOutDeps, input: EndpointInput, by: string): Promise<CreateEndpointResult> {
  const problem = await checkUrl(deps, input.url);
  if (problem) return { kind: 'invalid', errors: [problem] };
  if ((await deps.store.listEndpoints()).length >= ENDPOINT_LIMITS.endpoints) return { kind: 'limit' };
  const now = deps.now();
  const secret = newSigningSecret();
  const endpoint: Endpoint = {
    endpointId: `ep_${randomBytes(12).toString('base64url')}`,
    url: input.url,
    eventTypes: [...input.eventTypes],
    ...(input.description ? { description: input.description } : {}),
    enabled: input.enabled ?? true,
    ...(input.enabled === false ? { disabled: { reason: 'manual' as const, at: now } } : {}),
    secrets: [{ secret, createdAt: now }],
    createdAt: now,
    createdBy: by,
    updatedAt: now,
    version: 1,
  };
  const saved = await deps.store.saveEndpoint(endpoint, 0);
  if (saved === 'conflict') throw new Error('a new endpoint id collided');
  return { kind: 'created', endpoint, secret };
}

export type EndpointPatch = { url?: string; eventTypes?: readonly string[]; description?: string | null; enabled?: boolean };
export type UpdateEndpointResult = { kind: 'updated'; endpoint: Endpoint } | { kind: 'not-found' } | { kind: 'invalid'; errors: FieldProblem[] };

/** Enabling an endpoint (again) clears why it was disabled and its failing streak; its failed deliveries can be replayed. */
export async function updateEndpoint(deps: WebhooksOutDeps, endpointId: string, patch: EndpointPatch): Promise<UpdateEndpointResult> {
  if (patch.url !== undefined) {
    const problem = await checkUrl(deps, patch.url);
    if (problem) return { kind: 'invalid', errors: [problem] };
  }
  return retryOnConflict(`updating endpoint ${endpointId}`, CONFLICTS, async () => {
    const endpoint = await deps.store.getEndpoint(endpointId);
    if (!endpoint) return { kind: 'not-found' as const };
    const now = deps.now();
    const { description: _description, disabled: _disabled, failingSince: _failing, ...base } = endpoint;
    const description = patch.description === null ? undefined : (patch.description ?? endpoint.description);
    const enabled = patch.enabled ?? endpoint.enabled;
    const next: Endpoint = {
      ...base,
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.eventTypes !== undefined ? { eventTypes: [...patch.eventTypes] } : {}),
      ...(description ? { description } : {}),
      enabled,
      ...(enabled ? {} : { disabled: endpoint.enabled ? { reason: 'manual' as const, at: now } : (endpoint.disabled ?? { reason: 'manual' as const, at: now }) }),
      ...(enabled && endpoint.enabled && endpoint.failingSince ? { failingSince: endpoint.failingSince } : {}),
      updatedAt: now,
      version: endpoint.version + 1,
    };
    return (await deps.store.saveEndpoint(next, endpoint.version)) === 'saved' ? { kind: 'updated' as const, endpoint: next } : RETRY;
  });
}

export type RotateResult = { kind: 'rotated'; endpoint: Endpoint; secret: string } | { kind: 'not-found' };

export async function rotateEndpointSecret(deps: WebhooksOutDeps, endpointId: string, overlapHours: number): Promise<RotateResult> {
  const secret = newSigningSecret();
  return retryOnConflict(`rotating the secret of ${endpointId}`, CONFLICTS, async () => {
    const endpoint = await deps.store.getEndpoint(endpointId);
    if (!endpoint) return { kind: 'not-found' as const };
    const next = rotateSecret(endpoint, secret, overlapHours, deps.now());
    return (await deps.store.saveEndpoint(next, endpoint.version)) === 'saved' ? { kind: 'rotated' as const, endpoint: next, secret } : RETRY;
  });
}

// ---- fan-out and attempts

export interface DeliverableEvent {
  readonly eventType: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly data: unknown;
}

/** The message an event is sent as; its body is fixed once, so every attempt signs the same bytes. */
export function messageOf(event: DeliverableEvent): Message {
  const customerId = typeof event.data === 'object' && event.data !== null ? (event.data as { customerId?: unknown }).customerId : undefined;
  return {
    messageId: messageIdOf(event.eventId, event.occurredAt),
    eventType: event.eventType,
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    body: JSON.stringify({ type: event.eventType, timestamp: event.occurredAt, data: event.data }),
    ...(typeof customerId === 'string' && customerId.length > 0 ? { customerId } : {}),
  };
}

/**
 * An event reaches every enabled endpoint subscribed to its type: one delivery each, created once (a redelivered event
 * finds them and sends nothing again), and attempted at once. Nothing is written when no endpoint wants it.
 */
export async function fanOut(deps: WebhooksOutDeps, event: DeliverableEvent): Promise<{ endpoints: number; created: number; delivered: number }> {
  const targets = (await deps.store.listEndpoints()).filter((endpoint) => endpoint.enabled && endpoint.eventTypes.includes(event.eventType));
  if (targets.length === 0) return { endpoints: 0, created: 0, delivered: 0 };
  const message = messageOf(event);
  const now = deps.now();
  await deps.store.putMessage(message, plusMs(now, PAYLOAD_RETENTION_DAYS * 86_400_000));
  const run = limiter(4);
  const outcomes = await Promise.all(
    targets.map((endpoint) =>
      run(async () => {
        // Created leased: if this invocation dies before recording its attempt, the schedule retries after the lease.
        const delivery = newDelivery(endpoint.endpointId, message, now, plusMs(now, ATTEMPT_LEASE_MS));
        if ((await deps.store.createDelivery(delivery)) === 'exists') return 'existed' as const;
        const done = await attempt(deps, delivery, endpoint, message, 'event');
        return done.status === 'succeeded' ? ('delivered' as const) : ('created' as const);
      }),
    ),
  );
  return { endpoints: targets.length, created: outcomes.filter((outcome) => outcome !== 'existed').length, delivered: outcomes.filter((outcome) => outcome === 'delivered').length };
}

/** Sends a leased delivery once and records the result, with its effect on the endpoint. */
async function attempt(deps: WebhooksOutDeps, leased: Delivery, endpoint: Endpoint, message: Message, trigger: AttemptTrigger): Promise<Delivery> {
  const timestamp = deps.wallClockSeconds();
  const result = await deps.sender.send({
    url: endpoint.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'LoyaltyLoop-Webhooks/1.0',
      'webhook-id': message.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(signingSecrets(endpoint, deps.now()), message.messageId, timestamp, message.body),
    },
    body: message.body,
  });
  const at = deps.now();
  const recorded = recordAttempt(leased, endpoint, result, trigger, at, deps.random);
  // A conflict means another sender took the delivery over after our lease ended: its record wins.
  if ((await deps.store.saveDelivery(recorded.delivery, leased.version)) === 'conflict') return leased;
  if (recorded.effect.kind !== 'none') await changeEndpoint(deps, endpoint.endpointId, (current) => applyEffect(current, recorded.effect, at));
  return recorded.delivery;
}

async function changeEndpoint(deps: WebhooksOutDeps, endpointId: string, change: (endpoint: Endpoint) => Endpoint | undefined): Promise<void> {
  await retryOnConflict(`updating endpoint ${endpointId}`, CONFLICTS, async () => {
    const endpoint = await deps.store.getEndpoint(endpointId);
    const next = endpoint && change(endpoint);
    if (!endpoint || !next) return undefined;
    const disabling = endpoint.enabled && !next.enabled;
    return (await deps.store.saveEndpoint(next, endpoint.version, disabling ? { disabled: true } : undefined)) === 'saved' ? undefined : RETRY;
  });
}

/**
 * Takes a due delivery and attempts it: re-read, still pending and due, leased (so a concurrent sender skips it), then
 * sent — or failed for good when its endpoint is gone or off or its payload expired. True when it changed something.
 */
async function attemptDue(deps: WebhooksOutDeps, endpointId: string, messageId: string, trigger: AttemptTrigger, endpoints: Map<string, Promise<Endpoint | undefined>>): Promise<boolean> {
  const delivery = await deps.store.getDelivery(endpointId, messageId);
  const now = deps.now();
  if (delivery?.status !== 'pending' || !delivery.nextAttemptAt || delivery.nextAttemptAt > now) return false;
  if (!endpoints.has(endpointId)) endpoints.set(endpointId, deps.store.getEndpoint(endpointId));
  const endpoint = await endpoints.get(endpointId);
  if (!endpoint || !endpoint.enabled) {
    return (await deps.store.saveDelivery(abandon(delivery, endpoint ? 'endpoint-disabled' : 'endpoint-deleted'), delivery.version)) === 'saved';
  }
  const message = await deps.store.getMessage(messageId);
  if (!message) return (await deps.store.saveDelivery(abandon(delivery, 'payload-expired'), delivery.version)) === 'saved';
  const leased = lease(delivery, plusMs(now, ATTEMPT_LEASE_MS));
  if ((await deps.store.saveDelivery(leased, delivery.version)) === 'conflict') return false;
  await attempt(deps, leased, endpoint, message, trigger);
  return true;
}

/** The schedule: every due retry (and every attempt whose sender died mid-way), all shards, until done or out of time. */
export async function sendDueDeliveries(deps: WebhooksOutDeps, limits: { timeLeftMs?: () => number; budget?: number } = {}) {
  const now = deps.now();
  const endpoints = new Map<string, Promise<Endpoint | undefined>>();
  const swept = await sweepDue({
    shards: DUE_SHARDS,
    page: (shard, cursor) => deps.store.dueDeliveries(shard, now, 100, cursor),
    orderKey: (item) => `${item.endpointId}/${item.messageId}`,
    handle: (item) => attemptDue(deps, item.endpointId, item.messageId, 'retry', endpoints),
    concurrency: 8,
    ...(limits.timeLeftMs ? { timeLeftMs: limits.timeLeftMs } : {}),
    ...(limits.budget !== undefined ? { budget: limits.budget } : {}),
  });
  return { schedule: 'webhooks-out-send-due', ...swept };
}

// ---- replay

export type ReplayOneResult =
  | { kind: 'sent'; delivery: Delivery }
  | { kind: 'not-found' }
  | { kind: 'pending' }
  | { kind: 'endpoint-disabled' }
  | { kind: 'payload-expired' };

/** Sends one message again now (a new series on the retry schedule if it fails). */
export async function replayDelivery(deps: WebhooksOutDeps, endpointId: string, messageId: string): Promise<ReplayOneResult> {
  const endpoint = await deps.store.getEndpoint(endpointId);
  const delivery = endpoint && (await deps.store.getDelivery(endpointId, messageId));
  if (!endpoint || !delivery) return { kind: 'not-found' };
  if (!endpoint.enabled) return { kind: 'endpoint-disabled' };
  if (delivery.status === 'pending') return { kind: 'pending' };
  const message = await deps.store.getMessage(messageId);
  if (!message) return { kind: 'payload-expired' };
  const now = deps.now();
  const leased = replay(delivery, plusMs(now, ATTEMPT_LEASE_MS));
  if ((await deps.store.saveDelivery(leased, delivery.version)) === 'conflict') return { kind: 'pending' };
  return { kind: 'sent', delivery: await attempt(deps, leased, endpoint, message, 'replay') };
}

export const REPLAY_PAGE = 100;
export type ReplaySinceResult = { kind: 'scheduled'; scheduled: number; nextCursor?: string } | { kind: 'not-found' } | { kind: 'endpoint-disabled' };

/**
 * Recovers every failed delivery of an endpoint since a time, a page at a time: each is due at once, and the schedule
 * sends it within a minute. Call again with `nextCursor` until it is absent.
 */
export async function replayFailedSince(deps: WebhooksOutDeps, endpointId: string, since: string, cursor?: string): Promise<ReplaySinceResult> {
  const endpoint = await deps.store.getEndpoint(endpointId);
  if (!endpoint) return { kind: 'not-found' };
  if (!endpoint.enabled) return { kind: 'endpoint-disabled' };
  const page = await deps.store.failedDeliveriesSince(endpointId, messageIdFloor(Date.parse(since)), { limit: REPLAY_PAGE, ...(cursor ? { cursor } : {}) });
  const now = deps.now();
  let scheduled = 0;
  for (const delivery of page.items) {
    if ((await deps.store.saveDelivery(replay(delivery, now), delivery.version)) === 'saved') scheduled++;
  }
  return { kind: 'scheduled', scheduled, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
