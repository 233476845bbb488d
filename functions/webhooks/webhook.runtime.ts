import { randomUUID } from 'node:crypto';
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
import { processDelivery, type DeliveryEffects } from './domain/deliveries';
import { DeliveryLogRepository } from './webhooks.repository';
import { MAX_WEBHOOK_BYTES } from './webhooks.routes';

/**
 * What every storefront webhook shares: configuration, secrets (identity's facade), the raw body, delivery
 * deduplication (in the webhooks service's own table), and running the actions through the purchases facade (so
 * order- and refund-level idempotency apply as well) and the customers facade (erasure requests).
 * Platforms disable webhooks that keep failing, so anything we do not handle is acknowledged with a note.
 */
export const SERVICE = 'webhooks';
export { MAX_WEBHOOK_BYTES };

let context: { deliveries: DeliveryLogRepository } | undefined;

/** Cold-start configuration, parsed once: the webhooks table, where deliveries are remembered. */
export function webhookContext() {
  context ??= { deliveries: new DeliveryLogRepository(dynamoDocumentClient(), loadConfig({ WEBHOOKS_TABLE_NAME: nonEmpty }).WEBHOOKS_TABLE_NAME) };
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

/**
 * Runs a verified delivery through the webhooks use case and answers it: 400 naming the missing fields, 200 with
 * `duplicate` for a delivery seen before, otherwise 200 with what each action did.
 */
export async function answerDelivery(platform: WebhookPlatform, storeId: string, deliveryId: string | undefined, actions: WebhookAction[]): Promise<HttpResult> {
  const result = await processDelivery(webhookContext().deliveries, effects, { platform, storeId, deliveryId, actions }, now());
  switch (result.kind) {
    case 'rejected':
      throw Problems.validation([...result.errors]);
    case 'duplicate':
      return { status: 200, body: { received: true, duplicate: true, results: [] } };
    case 'processed':
      logger.info('webhook processed', { platform, storeId, deliveryId, results: result.results.map((entry) => `${entry.action}:${entry.outcome}`) });
      return { status: 200, body: { received: true, results: result.results } };
  }
}

const purchaseSchema = recordPurchaseBody(now);

/** The delivery's effects, through the purchases and customers facades. */
const effects: DeliveryEffects = {
  async recordPurchase(storeId, action, at) {
    const { kind: _kind, ...body } = action;
    const parsed = purchaseSchema.safeParse({ ...body, items: normalizeItems(body.items, body.currency) });
    if (!parsed.success) return `not recorded: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ').slice(0, 300)}`;
    const result = await recordPurchase({ ...parsed.data, storeId }, at);
    return result.kind === 'conflict' ? 'already recorded with different details (kept the original)' : result.kind;
  },
  async refund(storeId, action, at) {
    // A refund that arrives before its order is held by the purchases service and applied when the order arrives.
    const amount = action.kind === 'refund' ? action.amount : { ...(action.upToMinor === undefined ? {} : { remainingUpToMinor: action.upToMinor }) };
    return refundOutcome(await refundPurchase({ storeId, orderId: action.orderId, refundId: action.refundId, amount, reason: action.reason }, at));
  },
  async requestErasure(storeId, customerId, at) {
    await requestCustomerErasure({ requestId: randomUUID(), customerId, requestedBy: `storefront:${storeId} (shopify customers/redact)`, requestedAt: at.toISOString() });
  },
};

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
