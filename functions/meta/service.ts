import { defineService } from '../../shared/service/declarations';
import { getOpenApi, getVersion } from './meta.routes';

/** Meta: what is answering, and how to call it. The smallest complete service — the worked example in CONTRIBUTING.md. */
export const metaService = defineService({
  name: 'meta',
  description: 'The release and stage of the running API, and its OpenAPI description',
  functions: {
    getVersion: { entry: 'functions/meta/version.handler.ts', description: 'GET /v1/version', memoryMb: 128, timeoutSeconds: 3 },
    getOpenApi: { entry: 'functions/meta/openapi.handler.ts', description: 'GET /v1/openapi.json', memoryMb: 256, timeoutSeconds: 3 },
  },
  routes: [
    { route: getVersion, function: 'getVersion' },
    { route: getOpenApi, function: 'getOpenApi' },
  ],
});
