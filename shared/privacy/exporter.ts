import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { identifier } from '../domain/identifiers';
import { createLogger } from '../logger';

/**
 * The privacy export contract between the privacy service and every service holding personal data. Each service
 * answers for its own data, from its own table, in its own function; the export route invokes them all and merges
 * their sections. A service's sections are top-level keys of the export document (e.g. `purchases`).
 */
export const privacyExportRequest = z.strictObject({ customerId: identifier });
export type PrivacyExportRequest = z.infer<typeof privacyExportRequest>;

export const privacyExportResponse = z.strictObject({
  service: z.string(),
  sections: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), z.unknown()),
});
export type PrivacyExportResponse = z.infer<typeof privacyExportResponse>;

/** Thrown for a request that does not match the contract: a caller's bug, not a retryable failure. */
export class InvalidExportRequestError extends Error {
  override readonly name = 'InvalidExportRequestError';
}

/**
 * The middleware stack of a service's privacy exporter (invoked synchronously by the privacy service, never
 * routed): logs without personal data, validates the request, returns the service's sections.
 */
export function privacyExporter(service: string, exportSections: (customerId: string) => Promise<Record<string, unknown>>) {
  const logger = createLogger(service);
  return middy<unknown, PrivacyExportResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: (request) => {
        logger.error('privacy export failed', request.error as Error);
      },
    })
    .handler(async (event) => {
      const parsed = privacyExportRequest.safeParse(event);
      if (!parsed.success) throw new InvalidExportRequestError(`Invalid export request: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
      const sections = await exportSections(parsed.data.customerId);
      logger.info('privacy export answered', { sections: Object.keys(sections) });
      return { service, sections };
    });
}

/** The environment variable that tells the privacy service which function exports which service's data (JSON). */
export const PRIVACY_EXPORTERS_VARIABLE = 'PRIVACY_EXPORTERS';
