import { httpHandler } from '../../shared/http/stack';
import { now } from '../../shared/clock';
import { health } from './platform.routes';

/** Liveness only: it touches no dependency, so a slow table never makes the service look dead. */
export const handler = httpHandler({ service: 'platform', route: health }, async () => ({
  status: 200,
  body: { status: 'ok', service: 'loyalty-loop', time: now().toISOString() },
}));
