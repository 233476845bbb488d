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

/**
 * The interactive API reference: an HTML page that loads the renderer (Redoc) from GET /docs/assets/{file} and this
 * API's description from GET /v1/openapi.json — nothing from another origin (its Content-Security-Policy says so).
 */
export const getDocs = defineRoute({
  method: 'GET',
  path: '/docs',
  access: ['public'],
  summary: "The interactive API reference (HTML): this API's OpenAPI description rendered by Redoc, served from this API alone (ETag)",
  responses: { 200: z.string(), 304: null },
});

/**
 * The reference page's static assets: the renderer script, under a content-hashed name (brotli or gzip as the client
 * accepts, cached for a year, ETag). Its own function: the compressed script alone is ~333 KiB of its bundle.
 */
export const getDocsAsset = defineRoute({
  method: 'GET',
  path: '/docs/assets/{file}',
  access: ['public'],
  summary: 'A static asset of the reference page: the renderer script, by its content-hashed name (brotli or gzip, immutable, ETag)',
  params: z.object({ file: z.string().check(z.minLength(1), z.maxLength(100)) }),
  responses: { 200: z.string(), 304: null },
});
