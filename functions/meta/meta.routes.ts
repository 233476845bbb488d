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
