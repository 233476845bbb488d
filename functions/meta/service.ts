import { defineService } from '../../shared/service/declarations';
import { getDocs, getDocsAsset, getOpenApi, getVersion } from './meta.routes';

/** Meta: what is answering, and how to call it. The smallest complete service — the worked example in CONTRIBUTING.md. */
export const metaService = defineService({
  name: 'meta',
  description: 'The release and stage of the running API, its OpenAPI description and the interactive reference',
  functions: {
    getVersion: { entry: 'functions/meta/version.handler.ts', description: 'GET /v1/version', memoryMb: 128, timeoutSeconds: 3 },
    getOpenApi: { entry: 'functions/meta/openapi.handler.ts', description: 'GET /v1/openapi.json', memoryMb: 256, timeoutSeconds: 3 },
    getDocs: { entry: 'functions/meta/docs-page.handler.ts', description: 'GET /docs', memoryMb: 128, timeoutSeconds: 3 },
    // The renderer (~1.1 MB) is inflated, and gzipped for a client without brotli, once per container.
    getDocsAsset: { entry: 'functions/meta/docs-assets.handler.ts', description: 'GET /docs/assets/{file}', memoryMb: 256, timeoutSeconds: 5 },
  },
  routes: [
    { route: getVersion, function: 'getVersion' },
    { route: getOpenApi, function: 'getOpenApi' },
    { route: getDocs, function: 'getDocs' },
    { route: getDocsAsset, function: 'getDocsAsset' },
  ],
});
