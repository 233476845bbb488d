import * as z from 'zod';
import { DELIVERABLE_EVENT_TYPES } from '../../events/deliverable';
import { listingOf, listingQuery, timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';
import { FAILED_REASONS } from './domain/delivery';
import { ENDPOINT_LIMITS } from './domain/endpoint';

/** The outbound webhooks API (marketers): endpoints and their signing secrets, the delivery log, replay. */
const endpointId = z.string().regex(/^ep_[A-Za-z0-9_-]{16}$/, 'must be a webhook endpoint id (ep_…)');
const messageId = z.string().regex(/^msg_[0-9a-z]{9}[0-9a-f]{16}$/, 'must be a message id (msg_…)');
const endpointParams = z.object({ endpointId });
const deliveryParams = z.object({ endpointId, messageId });
const eventType = z.enum(DELIVERABLE_EVENT_TYPES as [string, ...string[]], { error: `must be one of the deliverable event types: ${DELIVERABLE_EVENT_TYPES.join(', ')}` });
const eventTypes = z
  .array(eventType)
  .min(1)
  .max(DELIVERABLE_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'must not name an event type twice');
const url = z.string().trim().min(1).max(ENDPOINT_LIMITS.urlLength);
const description = z.string().trim().min(1).max(ENDPOINT_LIMITS.descriptionLength);
const secret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/).describe('The signing secret (whsec_ and base64 of 32 bytes): shown only now; keep it in your receiver');

const endpointView = z.object({
  endpointId: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  description: z.string().optional(),
  enabled: z.boolean(),
  disabled: z.object({ reason: z.enum(['gone', 'failing', 'manual']), at: timestamp }).optional(),
  failingSince: timestamp.optional(),
  /** When the current signing secret was made; the previous one signs too until previousSecretExpiresAt. */
  secretCreatedAt: timestamp,
  previousSecretExpiresAt: timestamp.optional(),
  createdAt: timestamp,
  createdBy: z.string(),
  updatedAt: timestamp,
});

const attemptView = z.object({
  at: timestamp,
  trigger: z.enum(['event', 'retry', 'replay']),
  outcome: z.enum(['succeeded', 'failed']),
  status: z.number().int().optional(),
  latencyMs: z.number().int().optional(),
  error: z.string().optional(),
});
const deliveryView = z.object({
  messageId: z.string(),
  endpointId: z.string(),
  eventType: z.string(),
  occurredAt: timestamp,
  status: z.enum(['pending', 'succeeded', 'failed']),
  failedReason: z.enum(FAILED_REASONS).optional(),
  nextAttemptAt: timestamp.optional(),
  attemptCount: z.number().int(),
  attempts: z.array(attemptView),
  createdAt: timestamp,
});

export const createWebhookEndpoint = defineRoute({
  method: 'POST',
  path: '/v1/webhook-endpoints',
  access: ['marketer'],
  summary: 'Register an endpoint for outbound webhooks (Standard Webhooks); its signing secret is returned once',
  body: z.strictObject({ url, eventTypes, description: description.optional(), enabled: z.boolean().optional() }),
  responses: { 201: endpointView.extend({ secret }) },
});

export const listWebhookEndpoints = defineRoute({
  method: 'GET',
  path: '/v1/webhook-endpoints',
  access: ['marketer'],
  summary: 'The registered endpoints (never their secrets)',
  responses: { 200: z.object({ items: z.array(endpointView) }) },
});

export const getWebhookEndpoint = defineRoute({
  method: 'GET',
  path: '/v1/webhook-endpoints/{endpointId}',
  access: ['marketer'],
  summary: 'One endpoint (never its secret)',
  params: endpointParams,
  responses: { 200: endpointView },
});

export const updateWebhookEndpoint = defineRoute({
  method: 'PATCH',
  path: '/v1/webhook-endpoints/{endpointId}',
  access: ['marketer'],
  summary: 'Change an endpoint: url, event types, description (null removes it), enabled (enabling again clears why it was disabled)',
  params: endpointParams,
  body: z
    .strictObject({ url: url.optional(), eventTypes: eventTypes.optional(), description: description.nullable().optional(), enabled: z.boolean().optional() })
    .refine((patch) => Object.keys(patch).length > 0, 'must change at least one of url, eventTypes, description, enabled'),
  responses: { 200: endpointView },
});

export const deleteWebhookEndpoint = defineRoute({
  method: 'DELETE',
  path: '/v1/webhook-endpoints/{endpointId}',
  access: ['marketer'],
  summary: 'Remove an endpoint: nothing more is sent to it (its delivery log stays for the retention period)',
  params: endpointParams,
  responses: { 204: null },
});

export const rotateWebhookSecret = defineRoute({
  method: 'POST',
  path: '/v1/webhook-endpoints/{endpointId}/secret-rotations',
  access: ['marketer'],
  summary: 'Replace the signing secret, returned once; the previous one keeps signing (both signatures are sent) for the overlap',
  params: endpointParams,
  body: z.strictObject({ overlapHours: z.number().int().min(0).max(ENDPOINT_LIMITS.overlapHoursMax).optional() }),
  responses: { 200: endpointView.extend({ secret }) },
});

export const listWebhookDeliveries = defineRoute({
  method: 'GET',
  path: '/v1/webhook-endpoints/{endpointId}/deliveries',
  access: ['marketer'],
  summary: "An endpoint's delivery log, newest first: every attempt with its status and latency (no bodies)",
  params: endpointParams,
  query: listingQuery.extend({ status: z.enum(['pending', 'succeeded', 'failed']).optional() }),
  responses: { 200: listingOf(deliveryView) },
});

export const getWebhookDelivery = defineRoute({
  method: 'GET',
  path: '/v1/webhook-endpoints/{endpointId}/deliveries/{messageId}',
  access: ['marketer'],
  summary: 'One delivery and its attempts',
  params: deliveryParams,
  responses: { 200: deliveryView },
});

export const replayWebhookDelivery = defineRoute({
  method: 'POST',
  path: '/v1/webhook-endpoints/{endpointId}/deliveries/{messageId}/replay',
  access: ['marketer'],
  summary: 'Send one message again now (signed anew; the same webhook-id); a failure starts a new retry schedule',
  params: deliveryParams,
  responses: { 200: deliveryView },
});

export const replayFailedWebhooks = defineRoute({
  method: 'POST',
  path: '/v1/webhook-endpoints/{endpointId}/replays',
  access: ['marketer'],
  summary: 'Recover every failed delivery since a time: each is sent again within a minute; page with nextCursor',
  params: endpointParams,
  body: z.strictObject({ since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-12-01T00:00:00Z' }), cursor: z.string().min(1).max(2048).optional() }),
  responses: { 202: z.object({ scheduled: z.number().int(), nextCursor: z.string().optional() }) },
});
