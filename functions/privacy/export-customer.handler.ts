import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { now } from '../../shared/clock';
import { loadConfig } from '../../shared/config';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { createLogger } from '../../shared/logger';
import { PRIVACY_EXPORTERS_VARIABLE, privacyExportResponse, type PrivacyExportRequest } from '../../shared/privacy/exporter';
import { exportCustomer } from './privacy.routes';

/**
 * GET /v1/customers/{customerId}/export (marketer, or the customer themself): everything every service holds about
 * the customer, as one JSON document (GDPR right of access). Each service answers for its own data through its own
 * exporter function (PRIVACY_EXPORTERS, set from the services' privacy declarations); this function reads no table.
 */
const config = loadConfig({ [PRIVACY_EXPORTERS_VARIABLE]: z.string().trim().min(1).transform((text) => z.record(z.string(), z.string().min(1)).parse(JSON.parse(text))) });
const exporters = Object.entries(config[PRIVACY_EXPORTERS_VARIABLE]);
const lambda = new LambdaClient({ endpoint: process.env.LAMBDA_ENDPOINT || undefined, maxAttempts: 3 });
const logger = createLogger('privacy');

class ExporterFailedError extends Error {
  override readonly name = 'ExporterFailedError';
}

async function invokeExporter(service: string, functionName: string, request: PrivacyExportRequest): Promise<Record<string, unknown>> {
  const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(request)) }));
  const text = new TextDecoder().decode(result.Payload ?? new Uint8Array());
  if (result.FunctionError) throw new ExporterFailedError(`The ${service} exporter failed (${result.FunctionError})`);
  const parsed = privacyExportResponse.safeParse(JSON.parse(text));
  if (!parsed.success || parsed.data.service !== service) throw new ExporterFailedError(`The ${service} exporter answered outside the export contract`);
  return parsed.data.sections;
}

export const handler = httpHandler({ service: 'privacy', route: exportCustomer }, async ({ params }) => {
  const { customerId } = params;
  const settled = await Promise.allSettled(exporters.map(([service, functionName]) => invokeExporter(service, functionName, { customerId })));
  const failed = settled.flatMap((outcome, index) => (outcome.status === 'rejected' ? [exporters[index]?.[0] ?? '?'] : []));
  if (failed.length > 0) {
    for (const outcome of settled) if (outcome.status === 'rejected') logger.error('privacy exporter failed', outcome.reason as Error);
    // A partial export would wrongly tell the customer that is all we hold: none at all, and a retryable answer.
    throw Problems.unavailable('export-incomplete', `The export could not be completed now (${failed.join(', ')} did not answer); try again`);
  }
  const sections: Record<string, unknown> = {};
  for (const outcome of settled) if (outcome.status === 'fulfilled') Object.assign(sections, outcome.value);
  return {
    status: 200,
    body: { customerId, exportedAt: now().toISOString(), ...sections },
    headers: { 'content-disposition': `attachment; filename="customer-${customerId}-export.json"` },
  };
});
