import * as z from 'zod/mini';
import { defineRoute } from '../../shared/http/route';

/** Which release of Loyalty Loop answers, on which stage: for operators, support tickets and client compatibility. */
export const getVersion = defineRoute({
  method: 'GET',
  path: '/v1/version',
  access: ['public'],
  summary: 'The name, release and stage of the API answering',
  responses: { 200: z.object({ name: z.literal('loyalty-loop'), version: z.string().check(z.regex(/^\d+\.\d+\.\d+/)), stage: z.string() }) },
});

/**
 * This API's OpenAPI 3.1 description, generated at build time from the route and event contracts (infra/openapi.ts,
 * `npm run openapi`). The schema checks its frame; the unit test validates the whole document with an OpenAPI
 * validator.
 */
export const getOpenApi = defineRoute({
  method: 'GET',
  path: '/v1/openapi.json',
  access: ['public'],
  summary: "This API's OpenAPI 3.1 description: every route, its access, schemas and problems; the events as webhook payloads (ETag)",
  responses: {
    200: z.looseObject({
      openapi: z.literal('3.1.0'),
      info: z.looseObject({ title: z.string(), version: z.string().check(z.regex(/^\d+\.\d+\.\d+/)) }),
      paths: z.record(z.string(), z.record(z.string(), z.unknown())),
      webhooks: z.record(z.string(), z.record(z.string(), z.unknown())),
      components: z.looseObject({ schemas: z.record(z.string(), z.unknown()), securitySchemes: z.record(z.string(), z.unknown()) }),
    }),
    304: null,
  },
});
