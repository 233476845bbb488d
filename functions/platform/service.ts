import { defineService } from '../../shared/service/declarations';
import { health } from './platform.routes';

/**
 * The platform: liveness, the catch-all route, and the outbox relay that publishes every service's outbox events
 * from its table's stream (each table declared with `stream: true` gets a mapping to it).
 */
export const platformService = defineService({
  name: 'platform',
  description: 'Liveness, unmatched routes and the outbox relay',
  functions: {
    health: { entry: 'functions/platform/health.handler.ts', description: 'Liveness: answers without touching any dependency', memoryMb: 256, timeoutSeconds: 3 },
    fallback: { entry: 'functions/platform/fallback.handler.ts', description: 'Unmatched requests: problem+json 404 (unknown route) or 405 (wrong method)', memoryMb: 256, timeoutSeconds: 3 },
    // Sized by measurement (npm run bench: peak V8 heap ~20 MiB, I/O-bound): 256 MB leaves headroom over Lambda's Node runtime.
    outboxRelay: { entry: 'functions/platform/outbox-relay.handler.ts', description: 'Publishes outbox events from table streams to the event bus', memoryMb: 256, timeoutSeconds: 30, publishesEvents: true },
  },
  routes: [{ route: health, function: 'health' }],
  roles: { fallback: 'fallback', outboxRelay: 'outboxRelay' },
});
