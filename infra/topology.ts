import { customersService } from '../functions/customers/service';
import { feedbackService } from '../functions/feedback/service';
import { identityService } from '../functions/identity/service';
import { journeyService } from '../functions/journey/service';
import { loyaltyService } from '../functions/loyalty/service';
import { metaService } from '../functions/meta/service';
import { platformService } from '../functions/platform/service';
import { privacyService } from '../functions/privacy/service';
import { purchasesService } from '../functions/purchases/service';
import { referralsService } from '../functions/referrals/service';
import { testimonialsService } from '../functions/testimonials/service';
import { webhooksOutService } from '../functions/webhooks-out/service';
import { webhooksService } from '../functions/webhooks/service';
import { composeTopology } from './compose';

/**
 * THE system: the services, each declared in its own folder (functions/<service>/service.ts), composed into one
 * topology. The CDK app (infra/cdk) and the local runtime (infra/local) are both built from it, and test/infra proves
 * the synthesized template matches it. Adding a service is one folder and one line here (see CONTRIBUTING.md).
 * Pure data: no CDK or AWS imports. Lambda code never imports this module.
 */
export const topology = composeTopology([
  platformService,
  identityService,
  purchasesService,
  customersService,
  loyaltyService,
  referralsService,
  feedbackService,
  testimonialsService,
  journeyService,
  webhooksService,
  webhooksOutService,
  privacyService,
  metaService,
]);

export type AppTopology = typeof topology;
export type TableName = string;
export type FunctionName = string;

export const APP_NAME = 'loyalty-loop';

/** A table's declaration by name; a name outside the topology is a programming error. */
export function tableOf(name: TableName): AppTopology['tables'][string] {
  const table = topology.tables[name];
  if (!table) throw new Error(`No table ${name} in the topology`);
  return table;
}

/** A function's declaration by name; a name outside the topology is a programming error. */
export function functionOf(name: FunctionName): AppTopology['functions'][string] {
  const fn = topology.functions[name];
  if (!fn) throw new Error(`No function ${name} in the topology`);
  return fn;
}

/** Physical table names are deterministic per stage so operators (and the CLI) can address them. */
export function physicalTableName(stage: string, table: TableName): string {
  return `${APP_NAME}-${stage}-${table}`;
}

export function eventBusName(stage: string): string {
  return `${APP_NAME}-${stage}`;
}

/** How long API Gateway caches the API-key authorizer's answer per key: a revoked key works at most this long. */
export const API_KEY_AUTHORIZER_CACHE_SECONDS = 300;

/** The audience customer and marketer tokens must carry (the Cognito app client id on AWS). */
export const LOCAL_TOKEN_AUDIENCE = 'loyalty-loop';

/**
 * CORS for browsers calling the API (storefront widgets, customer portals). Allowed origins are configuration
 * (CDK context corsOrigins, local CORS_ORIGINS); without any, the API sends no CORS headers at all.
 */
export const CORS = {
  allowHeaders: ['content-type', 'authorization', 'x-api-key', 'idempotency-key'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  exposeHeaders: ['location', 'allow', 'idempotent-replayed'],
  maxAgeSeconds: 600,
} as const;

export function parseOrigins(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  const origins = list.map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin)) throw new Error(`CORS origin "${origin}" must be a scheme and host like https://shop.example.com`);
  }
  return origins;
}
