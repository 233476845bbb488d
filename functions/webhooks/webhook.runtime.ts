import { randomUUID } from 'node:crypto';
import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { requestCustomerErasure } from '../customers/customers.facade';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { now } from '../../shared/clock';
import { loadConfig, nonEmpty } from '../../shared/config';
import { parseMajorAmount } from '../../shared/domain/money';
import { type HttpProblem, Problems } from '../../shared/http/problem';
import { parse as parseLossless } from 'lossless-json';
import { rawBody, type HttpResult } from '../../shared/http/stack';
import { createLogger } from '../../shared/logger';
import { webhookSecretOf, type WebhookPlatform } from '../identity/identity.facade';
import { recordPurchase, recordPurchaseBody, refundPurchase, type RefundPurchaseOutcome } from '../purchases/purchases.facade';
import type { WebhookAction } from './domain/actions';
import { MAX_WEBHOOK_BYTES } from './webhooks.routes';

/**
 * What every storefront webhook shares: configuration, secrets (identity's facade), the raw body, delivery
 * deduplication (in the webhooks service's own table), and running the actions through the purchases facade (so
 * order- and refund-level idempotency apply as well) and the customers facade (erasure requests).
 * Platforms disable webhooks that keep failing, so anything we do not handle is acknowledged with a note.
 */
export const SERVICE = 'webhooks';
export { MAX_WEBHOOK_BYTES };
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

let context: { deliveriesTable: string } | undefined;

/** Cold-start configuration, parsed once: the webhooks table, where deliveries are remembered. */
export function webhookContext() {
  context ??= { deliveriesTable: loadConfig({ WEBHOOKS_TABLE_NAME: nonEmpty }).WEBHOOKS_TABLE_NAME };
  return context;
}

export const logger = createLogger(SERVICE);

export function bodyOf(event: APIGatewayProxyEventV2): Buffer {
  const bytes = rawBody(event);
  if (bytes.length > MAX_WEBHOOK_BYTES) throw Problems.payloadTooLarge(MAX_WEBHOOK_BYTES);
  return bytes;
}

const SIGNATURE_HEADERS: Record<WebhookPlatform, string> = {
  shopify: 'X-Shopify-Hmac-Sha256',
  stripe: 'Stripe-Signature',
  woocommerce: 'X-WC-Webhook-Signature',
};

/**
 * The one answer to every failed verification of a platform's delivery — no secret configured, a wrong or
 * malformed signature, a stale timestamp — so a caller cannot learn whether a store has a secret.
 */
export function signatureRejected(platform: WebhookPlatform): HttpProblem {
  return Problems.unauthorized(`The ${SIGNATURE_HEADERS[platform]} signature is missing, invalid or stale for this store`);
}

export async function secretFor(storeId: string, platform: WebhookPlatform): Promise<string> {
  const secret = await webhookSecretOf(storeId, platform);
  // Without a secret nothing can be verified: answered exactly like a bad signature.
  if (!secret) throw signatureRejected(platform);
  return secret;
}

/**
 * Parses a webhook body without losing digits: platform ids (Shopify's order, customer, refund and line-item ids)
 * exceed 2^53 and JSON.parse would round them. Numbers that a JavaScript number holds exactly stay numbers; any
 * other (an id like 820982911946154508) is kept as its exact decimal text. lossless-json behaves the same on Node
 * 20 and 22, unlike JSON.parse's source-text access (Node 21+).
 */
export function parseJsonObject(bytes: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw Problems.malformedJson('The webhook body is not valid UTF-8');
  }
  try {
    const value = parseLossless(text, null, exactNumber);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw Problems.malformedJson('The webhook body is not a JSON object');
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function exactNumber(text: string): number | string {
  const value = Number(text);
  if (Number.isSafeInteger(value) && /^-?\d+$/.test(text)) return value;
  // A non-integer whose shortest representation is the text itself round-trips exactly (amounts like 120.5).
  if (Number.isFinite(value) && !/^-?\d+$/.test(text) && String(value) === text) return value;
  return text;
}

const deliveryKey = (platform: WebhookPlatform, storeId: string) => `WEBHOOK#${platform}#${storeId}`;

export async function alreadyDelivered(platform: WebhookPlatform, storeId: string, deliveryId: string): Promise<boolean> {
  const { deliveriesTable } = webhookContext();
  const result = await dynamoDocumentClient().send(new GetCommand({ TableName: deliveriesTable, Key: { pk: deliveryKey(platform, storeId), sk: deliveryId }, ConsistentRead: true }));
  return result.Item !== undefined;
}

async function rememberDelivery(platform: WebhookPlatform, storeId: string, deliveryId: string, at: Date): Promise<void> {
  const { deliveriesTable } = webhookContext();
  await dynamoDocumentClient().send(
    new PutCommand({
      TableName: deliveriesTable,
      Item: { pk: deliveryKey(platform, storeId), sk: deliveryId, type: 'webhookDelivery', receivedAt: at.toISOString(), expiresAt: Math.floor(at.getTime() / 1000) + DELIVERY_RETENTION_SECONDS },
    }),
  );
}

export interface ActionResult {
  readonly action: WebhookAction['kind'];
  readonly outcome: string;
  readonly orderId?: string;
}

/**
 * Runs the actions, then remembers the delivery id (only after success, so a failed delivery is processed again
 * when the platform retries). Answers 200 with what was done.
 */
export async function processDelivery(platform: WebhookPlatform, storeId: string, deliveryId: string | undefined, actions: WebhookAction[]): Promise<HttpResult> {
  // A delivery missing what it must carry changes nothing (and is not remembered, so a corrected resend works).
  const rejections = actions.flatMap((action) => (action.kind === 'reject' ? [{ pointer: action.pointer, detail: action.detail }] : []));
  if (rejections.length > 0) throw Problems.validation(rejections);
  if (deliveryId && (await alreadyDelivered(platform, storeId, deliveryId))) {
    return { status: 200, body: { received: true, duplicate: true, results: [] } };
  }
  const at = now();
  const results: ActionResult[] = [];
  for (const action of actions) results.push(await runAction(storeId, action, at));
  if (deliveryId) await rememberDelivery(platform, storeId, deliveryId, at);
  logger.info('webhook processed', { platform, storeId, deliveryId, results: results.map((result) => `${result.action}:${result.outcome}`) });
  return { status: 200, body: { received: true, results } };
}

const purchaseSchema = recordPurchaseBody(now);

async function runAction(storeId: string, action: WebhookAction, at: Date): Promise<ActionResult> {
  switch (action.kind) {
    case 'ignore':
      return { action: 'ignore', outcome: action.note };
    case 'reject':
      return { action: 'reject', outcome: `${action.pointer} ${action.detail}` };
    case 'erase': {
      await requestCustomerErasure({ requestId: randomUUID(), customerId: action.customerId, requestedBy: `storefront:${storeId} (shopify customers/redact)`, requestedAt: at.toISOString() });
      return { action: 'erase', outcome: 'erasure requested' };
    }
    case 'purchase': {
      const { kind: _kind, ...body } = action;
      const parsed = purchaseSchema.safeParse({ ...body, items: normalizeItems(body.items, body.currency) });
      if (!parsed.success) {
        return { action: 'purchase', orderId: action.orderId, outcome: `not recorded: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ').slice(0, 300)}` };
      }
      const result = await recordPurchase({ ...parsed.data, storeId }, at);
      return { action: 'purchase', orderId: action.orderId, outcome: result.kind === 'conflict' ? 'already recorded with different details (kept the original)' : result.kind };
    }
    case 'refund':
    case 'refund-remaining': {
      // A refund that arrives before its order is held by the purchases service and applied when the order arrives.
      const amount = action.kind === 'refund' ? action.amount : { ...(action.upToMinor === undefined ? {} : { remainingUpToMinor: action.upToMinor }) };
      const result = await refundPurchase({ storeId, orderId: action.orderId, refundId: action.refundId, amount, reason: 'reason' in action ? action.reason : undefined }, at);
      return { action: action.kind, orderId: action.orderId, outcome: refundOutcome(result) };
    }
  }
}

function refundOutcome(result: RefundPurchaseOutcome): string {
  switch (result.kind) {
    case 'held':
      return result.replayed ? 'already held until the order arrives' : 'held until the order arrives';
    case 'nothing-left':
      return 'nothing left to refund';
    case 'invalid-amount':
      return `not applied: ${result.message}`;
    case 'exceeds-purchase':
      return 'not applied: exceeds what remains refundable';
    case 'too-many-held':
      return 'not applied: too many refunds held for an order that was never recorded';
    default:
      return result.kind;
  }
}

/** Line items whose unit price does not fit the currency are kept without a price rather than failing the order. */
function normalizeItems(items: { sku?: string; quantity: number; unitPrice?: string }[], currency: string) {
  return items.slice(0, 500).map((item) => {
    const valid = item.unitPrice !== undefined && parseMajorAmount(item.unitPrice, currency.toUpperCase()).ok;
    return { ...(item.sku ? { sku: item.sku } : {}), quantity: Math.min(item.quantity, 1_000_000), ...(valid ? { unitPrice: item.unitPrice } : {}) };
  });
}
