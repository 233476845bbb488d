import * as z from 'zod';
import { defineEvent } from './contract';

/**
 * The feedback service's events. SurveyRequested carries the one-time response link for the merchant's mailer (we send
 * no email); an answer is announced once as SurveyAnswered, and an NPS answer also as PromoterIdentified or
 * DetractorIdentified — the hinge to testimonials and referrals (promoters) and to the helpdesk (DetractorAlert).
 */
const kind = z.enum(['nps', 'csat']);
const at = z.iso.datetime({ offset: true });

export const SurveyRequested = defineEvent({
  service: 'feedback',
  detailType: 'SurveyRequested',
  version: 1,
  data: z.object({
    requestId: z.string().min(1),
    customerId: z.string().min(1),
    kind,
    trigger: z.enum(['purchase', 'tier_upgrade', 'manual']),
    /** The one-time response page (GET /s/{token}); the token is stored only as a hash. */
    link: z.url(),
    expiresAt: at,
    email: z.string().optional(),
    properties: z.record(z.string(), z.string()).optional(),
  }),
  example: {
    requestId: 'sv_5kq2m9x7v3b8n4c6',
    customerId: 'cust-42',
    kind: 'nps',
    trigger: 'purchase',
    link: 'https://api.example.com/s/sv_5kq2m9x7v3b8n4c6.Zm9vYmFyYmF6cXV4cXV1eGZvb2Jhcg',
    expiresAt: '2026-12-08T10:00:00.000Z',
  },
});

export const SurveyAnswered = defineEvent({
  service: 'feedback',
  detailType: 'SurveyAnswered',
  version: 1,
  data: z.object({
    requestId: z.string().min(1),
    customerId: z.string().min(1),
    kind,
    score: z.number().int().min(0).max(10),
    category: z.enum(['promoter', 'passive', 'detractor', 'satisfied', 'unsatisfied']),
    hasComment: z.boolean(),
    answeredAt: at,
  }),
  example: { requestId: 'sv_5kq2m9x7v3b8n4c6', customerId: 'cust-42', kind: 'nps', score: 10, category: 'promoter', hasComment: true, answeredAt: '2026-11-02T10:00:00.000Z' },
});

export const PromoterIdentified = defineEvent({
  service: 'feedback',
  detailType: 'PromoterIdentified',
  version: 1,
  data: z.object({ requestId: z.string().min(1), customerId: z.string().min(1), score: z.number().int().min(9).max(10), answeredAt: at }),
  example: { requestId: 'sv_5kq2m9x7v3b8n4c6', customerId: 'cust-42', score: 10, answeredAt: '2026-11-02T10:00:00.000Z' },
});

export const DetractorIdentified = defineEvent({
  service: 'feedback',
  detailType: 'DetractorIdentified',
  version: 1,
  data: z.object({ requestId: z.string().min(1), customerId: z.string().min(1), score: z.number().int().min(0).max(6), answeredAt: at }),
  example: { requestId: 'sv_5kq2m9x7v3b8n4c6', customerId: 'cust-77', score: 3, answeredAt: '2026-11-02T10:00:00.000Z' },
});

/** For the merchant's helpdesk: a detractor answered, with their comment (personal data: route it to a trusted target). */
export const DetractorAlert = defineEvent({
  service: 'feedback',
  detailType: 'DetractorAlert',
  version: 1,
  data: z.object({
    requestId: z.string().min(1),
    customerId: z.string().min(1),
    score: z.number().int().min(0).max(6),
    /** 0-3 urgent, 4-6 high. */
    priority: z.enum(['urgent', 'high']),
    comment: z.string().optional(),
    email: z.string().optional(),
    answeredAt: at,
  }),
  example: { requestId: 'sv_5kq2m9x7v3b8n4c6', customerId: 'cust-77', score: 3, priority: 'urgent', comment: 'The parcel arrived broken.', answeredAt: '2026-11-02T10:00:00.000Z' },
});

export const FEEDBACK_EVENTS = [SurveyRequested, SurveyAnswered, PromoterIdentified, DetractorIdentified, DetractorAlert] as const;
