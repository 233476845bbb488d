import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import { FAILED_REASONS, type Delivery, type Message } from './domain/delivery';
import type { Endpoint } from './domain/endpoint';

/** The stored shapes, checked on every read: a corrupt item fails loudly instead of sending something wrong. */
const at = z.string().min(1);
const endpointSchema = z.object({
  endpointId: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  description: z.string().optional(),
  enabled: z.boolean(),
  disabled: z.object({ reason: z.enum(['gone', 'failing', 'manual']), at }).optional(),
  failingSince: at.optional(),
  secrets: z.array(z.object({ secret: z.string(), createdAt: at, expiresAt: at.optional() })).min(1),
  createdAt: at,
  createdBy: z.string(),
  updatedAt: at,
  version: z.number().int().positive(),
});
const messageSchema = z.object({ messageId: z.string(), eventType: z.string(), eventId: z.string(), occurredAt: at, body: z.string(), customerId: z.string().optional() });
const attemptSchema = z.object({
  at,
  trigger: z.enum(['event', 'retry', 'replay']),
  outcome: z.enum(['succeeded', 'failed']),
  status: z.number().int().optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  error: z.string().optional(),
});
const deliverySchema = z.object({
  endpointId: z.string(),
  messageId: z.string(),
  eventType: z.string(),
  occurredAt: at,
  customerId: z.string().optional(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  failedReason: z.enum(FAILED_REASONS).optional(),
  attempts: z.array(attemptSchema),
  attemptCount: z.number().int().nonnegative(),
  attemptsInSeries: z.number().int().nonnegative(),
  nextAttemptAt: at.optional(),
  createdAt: at,
  version: z.number().int().positive(),
});

export const endpointFromItem = (item: Record<string, unknown>): Endpoint => parseItem(endpointSchema, item.endpoint, 'webhook endpoint');
export const messageFromItem = (item: Record<string, unknown>): Message => parseItem(messageSchema, item.message, 'webhook message');
export const deliveryFromItem = (item: Record<string, unknown>): Delivery => parseItem(deliverySchema, item.delivery, 'webhook delivery');
