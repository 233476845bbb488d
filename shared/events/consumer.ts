import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { EventContract, EventDetail, EventEnvelope } from '../../events/contract';
import { createLogger, maskEmail } from '../logger';

export type ConsumedEvent<C extends EventContract> = C extends EventContract<infer DetailType, infer Data>
  ? { readonly detailType: DetailType; readonly detail: EventDetail<z.output<Data>>; readonly envelope: EventEnvelope }
  : never;

/** Thrown for an event that can never be processed (wrong contract or invalid detail): it goes to the DLQ. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * The event-consumer middleware stack, composed once: logs with the event's ids (never its detail, which
 * may hold personal data), validates the detail against the contract that owns its detail-type, and hands
 * the handler a typed event. Errors propagate so Lambda's async retries and the on-failure destination apply.
 */
export function eventConsumer<const Contracts extends readonly EventContract[]>(
  options: { service: string; contracts: Contracts },
  handle: (event: ConsumedEvent<Contracts[number]>) => Promise<void>,
) {
  const logger = createLogger(options.service);
  const byDetailType = new Map(options.contracts.map((contract) => [contract.detailType, contract]));
  return middy<EventEnvelope, void, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: (request) => {
        logger.error('event processing failed', {
          error: request.error as Error,
          detailType: request.event?.['detail-type'],
          envelopeId: request.event?.id,
        });
      },
    })
    .handler(async (envelope) => {
      const contract = byDetailType.get(envelope['detail-type']);
      if (!contract || envelope.source !== contract.source) {
        throw new InvalidEventError(`No contract for ${envelope.source} / ${envelope['detail-type']}`);
      }
      const parsed = contract.detailSchema.safeParse(envelope.detail);
      if (!parsed.success) {
        throw new InvalidEventError(
          `Invalid ${contract.detailType} detail: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
        );
      }
      // Event ids may embed a customer id, which for guests is an email: masked in logs.
      logger.appendKeys({ detailType: contract.detailType, eventId: maskEmail(parsed.data.metadata.eventId), envelopeId: envelope.id });
      await handle({ detailType: contract.detailType, detail: parsed.data, envelope } as ConsumedEvent<Contracts[number]>);
      logger.info('event processed');
    });
}
