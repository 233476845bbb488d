// The worker's entry: Node 20 does not apply --import preloads in worker threads, so the TypeScript loader the
// runtime itself uses (tsx) is registered here, then the worker proper is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./lambda-worker.ts');
