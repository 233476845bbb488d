import type { WebhookAction, WebhookPlatform } from './actions';

/**
 * The webhooks use case: a verified delivery's actions run once. Deliveries are remembered by the platform's
 * delivery id (only after every action ran, so a failed delivery is processed again when the platform retries);
 * purchases and refunds go through the purchases service's idempotent use cases, so order- and refund-level
 * idempotency apply as well. Pure over its ports.
 */
export interface DeliveryLog {
  alreadyDelivered(platform: WebhookPlatform, storeId: string, deliveryId: string): Promise<boolean>;
  remember(platform: WebhookPlatform, storeId: string, deliveryId: string, at: Date): Promise<void>;
}

/** What the actions need from other services (their facades); each answers an outcome in words. */
export interface DeliveryEffects {
  recordPurchase(storeId: string, action: Extract<WebhookAction, { kind: 'purchase' }>, at: Date): Promise<string>;
  refund(storeId: string, action: Extract<WebhookAction, { kind: 'refund' | 'refund-remaining' }>, at: Date): Promise<string>;
  requestErasure(storeId: string, customerId: string, at: Date): Promise<void>;
}

export interface ActionResult {
  readonly action: WebhookAction['kind'];
  readonly outcome: string;
  readonly orderId?: string;
}

export type DeliveryResult =
  | { readonly kind: 'rejected'; readonly errors: readonly { pointer: string; detail: string }[] }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'processed'; readonly results: readonly ActionResult[] };

export async function processDelivery(
  log: DeliveryLog,
  effects: DeliveryEffects,
  delivery: { platform: WebhookPlatform; storeId: string; deliveryId: string | undefined; actions: readonly WebhookAction[] },
  at: Date,
): Promise<DeliveryResult> {
  const { platform, storeId, deliveryId, actions } = delivery;
  // A delivery missing what it must carry changes nothing (and is not remembered, so a corrected resend works).
  const errors = actions.flatMap((action) => (action.kind === 'reject' ? [{ pointer: action.pointer, detail: action.detail }] : []));
  if (errors.length > 0) return { kind: 'rejected', errors };
  if (deliveryId && (await log.alreadyDelivered(platform, storeId, deliveryId))) return { kind: 'duplicate' };
  const results: ActionResult[] = [];
  for (const action of actions) results.push(await runAction(effects, storeId, action, at));
  if (deliveryId) await log.remember(platform, storeId, deliveryId, at);
  return { kind: 'processed', results };
}

async function runAction(effects: DeliveryEffects, storeId: string, action: WebhookAction, at: Date): Promise<ActionResult> {
  switch (action.kind) {
    case 'ignore':
      return { action: 'ignore', outcome: action.note };
    case 'reject':
      return { action: 'reject', outcome: `${action.pointer} ${action.detail}` };
    case 'erase':
      await effects.requestErasure(storeId, action.customerId, at);
      return { action: 'erase', outcome: 'erasure requested' };
    case 'purchase':
      return { action: 'purchase', orderId: action.orderId, outcome: await effects.recordPurchase(storeId, action, at) };
    case 'refund':
    case 'refund-remaining':
      return { action: action.kind, orderId: action.orderId, outcome: await effects.refund(storeId, action, at) };
  }
}
