import * as z from 'zod';
import { defineEvent } from './contract';

/**
 * The journey service's events. JourneyStageChanged announces each move of a customer's journey stage, from the
 * history entry written in the same transaction, naming the event that caused it (see functions/journey).
 */
export const JOURNEY_STAGES = ['aware', 'considering', 'first_purchase', 'repeat', 'loyal', 'advocate'] as const;
const stage = z.enum(JOURNEY_STAGES);
const at = z.iso.datetime({ offset: true });

export const JourneyStageChanged = defineEvent({
  service: 'journey',
  detailType: 'JourneyStageChanged',
  version: 1,
  data: z.object({
    customerId: z.string().min(1),
    from: stage.nullable(),
    to: stage,
    /** The consumed event that moved the stage: its detail-type and its (deterministic) event id. */
    cause: z.object({ detailType: z.string().min(1), eventId: z.string().min(1) }),
    /** When the causing fact happened (the purchase's time, the answer's time…), not when it was processed. */
    changedAt: at,
  }),
  example: {
    customerId: 'cust-42',
    from: 'first_purchase',
    to: 'repeat',
    cause: { detailType: 'PurchaseRecorded', eventId: 'PurchaseRecorded:store-1:order-1002' },
    changedAt: '2026-11-20T10:00:00.000Z',
  },
});

export const JOURNEY_EVENTS = [JourneyStageChanged] as const;
