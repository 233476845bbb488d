import { defineService } from '../../shared/service/declarations';
import { getVersion } from './meta.routes';

/** Meta: what is answering. The smallest complete service — the worked example in CONTRIBUTING.md. */
export const metaService = defineService({
  name: 'meta',
  description: 'The release and stage of the running API',
  functions: {
    getVersion: { entry: 'functions/meta/version.handler.ts', description: 'GET /v1/version', memoryMb: 128, timeoutSeconds: 3 },
  },
  routes: [{ route: getVersion, function: 'getVersion' }],
});
