import { dynamoDocumentClient } from '../../shared/aws/clients';
import { now } from '../../shared/clock';
import { loadConfig, nonEmpty } from '../../shared/config';
import type { WebhooksOutDeps } from './domain/use-cases';
import { httpSender, resolveHost } from './http-sender';
import { WebhooksOutRepository } from './webhooks-out.repository';

export const SERVICE = 'webhooks-out';
let deps: (WebhooksOutDeps & { store: WebhooksOutRepository }) | undefined;

/**
 * Cold-start wiring shared by the outbound webhooks handlers: configuration parsed once, one repository, one sender.
 * WEBHOOKS_ALLOW_LOOPBACK is set by the local runtime only (http://127.0.0.1 receivers); on AWS it is never set.
 */
export function webhooksOut(): WebhooksOutDeps & { store: WebhooksOutRepository } {
  if (!deps) {
    const config = loadConfig({ WEBHOOKS_OUT_TABLE_NAME: nonEmpty });
    const allowLoopback = process.env.WEBHOOKS_ALLOW_LOOPBACK === 'true';
    deps = {
      store: new WebhooksOutRepository(dynamoDocumentClient(), config.WEBHOOKS_OUT_TABLE_NAME),
      sender: httpSender({ allowLoopback }),
      now: () => now().toISOString(),
      wallClockSeconds: () => Math.floor(Date.now() / 1000),
      allowLoopback,
      resolve: resolveHost,
    };
  }
  return deps;
}

export { actorOf } from '../../shared/http/actor';
