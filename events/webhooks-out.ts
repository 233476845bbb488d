import * as z from 'zod';
import { defineEvent } from './contract';

/**
 * The outbound webhooks service's event. An endpoint is disabled by its receiver (410 Gone) or after failing every
 * delivery for 5 days; the event names it by id and host only (a URL's path and query may carry a receiver's token).
 */
export const WebhookEndpointDisabled = defineEvent({
  service: 'webhooks-out',
  detailType: 'WebhookEndpointDisabled',
  version: 1,
  data: z.object({
    endpointId: z.string().min(1),
    host: z.string().min(1),
    reason: z.enum(['gone', 'failing']),
    /** When its deliveries started failing without a success since (reason `failing`). */
    failingSince: z.iso.datetime({ offset: true }).optional(),
    disabledAt: z.iso.datetime({ offset: true }),
  }),
  example: { endpointId: 'ep_3kq9m2x7v4b8n5c6', host: 'hooks.example.com', reason: 'failing', failingSince: '2026-11-26T10:00:00.000Z', disabledAt: '2026-12-01T10:00:00.000Z' },
});

export const WEBHOOKS_OUT_EVENTS = [WebhookEndpointDisabled] as const;
