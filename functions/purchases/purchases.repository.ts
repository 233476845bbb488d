import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ERASED, confirmErasureOnce } from '../../shared/events/erasure';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { queryAll } from '../../shared/aws/query';
import { isConditionalCheckFailure, transactWrite } from '../../shared/aws/transactions';
import { encodeCursor, startKeyOf, type Page } from '../../shared/domain/pagination';
import { OUTBOX_ATTRIBUTE, outboxRecord } from '../../shared/events/outbox';
import { MAX_HELD_REFUNDS, purchaseEventId, refundEventId, type HeldRefund, type Purchase, type Refund } from './domain/purchase';
import { heldFromItem, placeholderVersion, purchaseFromItem, refundFromItem } from './purchases.items';
import type { PurchasesPrivacyStore } from './domain/queries';
import type { PurchaseStore } from './domain/use-cases';

/**
 * The purchases table: one item collection per store and order (the purchase and its refunds).
 * gsi1: a customer's purchases across stores; gsi2: one store's purchases of a customer. Both newest first.
 */
const orderKey = (storeId: string, orderId: string) => `STORE#${storeId}#ORDER#${orderId}`;
const PURCHASE_SK = 'PURCHASE';
const refundSk = (refundId: string) => `REFUND#${refundId}`;
/** Stands in the purchase's place while refunds wait for an order not recorded yet. */
const HELD_PLACEHOLDER = 'heldRefunds';
const HELD_PREFIX = 'HELD#';
/** An order that never arrives does not keep its held refunds forever (TTL). */
const HELD_RETENTION_SECONDS = 90 * 24 * 3600;

export type InsertPurchaseOutcome = { kind: 'created' } | { kind: 'exists'; existing: Purchase } | { kind: 'held'; heldVersion: number };
export type InsertRefundOutcome =
  | { kind: 'created' }
  | { kind: 'refund-exists'; existing: Refund }
  | { kind: 'purchase-changed' };

export class PurchasesRepository implements PurchaseStore, PurchasesPrivacyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Inserts the purchase and its PurchaseRecorded outbox record in one conditional write. */
  async insertPurchase(purchase: Purchase): Promise<InsertPurchaseOutcome> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.purchaseItem(purchase),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'created' };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const existing = error.Item ? unmarshalled(error.Item) : (await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: orderKey(purchase.storeId, purchase.orderId), sk: PURCHASE_SK }, ConsistentRead: true }))).Item;
      if (existing?.type === HELD_PLACEHOLDER) return { kind: 'held', heldVersion: placeholderVersion(existing) };
      if (existing) return { kind: 'exists', existing: purchaseFromItem(existing) };
      throw error;
    }
  }

  /** The refunds waiting for an order that is not recorded yet. */
  async heldRefunds(storeId: string, orderId: string): Promise<HeldRefund[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :held)',
      ExpressionAttributeValues: { ':pk': orderKey(storeId, orderId), ':held': HELD_PREFIX },
      ConsistentRead: true,
    });
    return items.map(heldFromItem);
  }

  /**
   * Holds a refund for an order not recorded yet: a placeholder takes the purchase's key (its version counts the
   * holds) and the refund waits beside it. Recording the purchase replaces the placeholder only at the version it
   * read, so a refund held meanwhile is never left behind; a purchase recorded first makes this fail instead.
   */
  async holdRefund(held: HeldRefund): Promise<{ kind: 'held' } | { kind: 'held-exists'; existing: HeldRefund } | { kind: 'purchase-exists' } | { kind: 'too-many' }> {
    const pk = orderKey(held.storeId, held.orderId);
    const expiresAt = Math.floor(Date.parse(held.receivedAt) / 1000) + HELD_RETENTION_SECONDS;
    const outcome = await transactWrite(this.client, [
      {
        label: 'placeholder',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk, sk: PURCHASE_SK },
            UpdateExpression: 'SET #type = :placeholder, heldVersion = if_not_exists(heldVersion, :zero) + :one, expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(pk) OR (#type = :placeholder AND heldVersion < :max)',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':placeholder': HELD_PLACEHOLDER, ':zero': 0, ':one': 1, ':max': MAX_HELD_REFUNDS, ':expiresAt': expiresAt },
          },
        },
      },
      { label: 'held', item: { Put: { TableName: this.tableName, Item: { pk, sk: `${HELD_PREFIX}${held.refundId}`, type: 'heldRefund', held, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } } },
    ]);
    if (outcome.kind === 'committed') return { kind: 'held' };
    if (outcome.failed.includes('held')) {
      const existing = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: `${HELD_PREFIX}${held.refundId}` }, ConsistentRead: true }));
      if (existing.Item) return { kind: 'held-exists', existing: heldFromItem(existing.Item) };
    }
    if (outcome.failed.includes('placeholder')) {
      const current = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: PURCHASE_SK }, ConsistentRead: true }));
      if (current.Item?.type === HELD_PLACEHOLDER) return { kind: 'too-many' };
    }
    // The purchase was recorded meanwhile, or another writer of this order won a race: the caller reads again.
    return { kind: 'purchase-exists' };
  }

  /** Replaces the placeholder with the purchase, writes the refunds (each with its event) and releases the holds. */
  async insertPurchaseWithHeldRefunds(purchase: Purchase, refunds: readonly Refund[], released: readonly HeldRefund[], heldVersion: number): Promise<'created' | 'conflict'> {
    const pk = orderKey(purchase.storeId, purchase.orderId);
    let refundedTotal = 0;
    const refundPuts = refunds.map((refund) => {
      refundedTotal += refund.amountMinor;
      return { Put: { TableName: this.tableName, Item: this.refundItem(purchase, refund, { refundedTotalMinor: refundedTotal, fullyRefunded: refundedTotal === purchase.amountMinor }), ConditionExpression: 'attribute_not_exists(pk)' } };
    });
    const outcome = await transactWrite(this.client, [
      {
        label: 'placeholder',
        item: {
          Put: {
            TableName: this.tableName,
            Item: this.purchaseItem(purchase),
            ConditionExpression: '#type = :placeholder AND heldVersion = :version',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':placeholder': HELD_PLACEHOLDER, ':version': heldVersion },
          },
        },
      },
      ...refundPuts.map((item) => ({ label: 'refund' as const, item })),
      ...released.map((held) => ({ label: 'held' as const, item: { Delete: { TableName: this.tableName, Key: { pk, sk: `${HELD_PREFIX}${held.refundId}` }, ConditionExpression: 'attribute_exists(pk)' } } })),
    ]);
    // Any refusal means the holds changed since they were read: the caller reads them again.
    return outcome.kind === 'committed' ? 'created' : 'conflict';
  }

  /** The purchase item, carrying its PurchaseRecorded outbox record. */
  private purchaseItem(purchase: Purchase): Record<string, unknown> {
    const event = outboxRecord(PurchaseRecorded, toEventData(purchase), { eventId: purchaseEventId(purchase), occurredAt: purchase.recordedAt });
    return {
      pk: orderKey(purchase.storeId, purchase.orderId),
      sk: PURCHASE_SK,
      type: 'purchase',
      gsi1pk: `CUSTOMER#${purchase.customerId}`,
      gsi1sk: `${purchase.occurredAt}#${purchase.storeId}#${purchase.orderId}`,
      gsi2pk: `STORE#${purchase.storeId}#CUSTOMER#${purchase.customerId}`,
      gsi2sk: `${purchase.occurredAt}#${purchase.orderId}`,
      ...purchase,
      [OUTBOX_ATTRIBUTE]: event,
    };
  }

  /** A refund item, carrying its PurchaseRefunded outbox record. */
  private refundItem(purchase: Purchase, refund: Refund, decision: { refundedTotalMinor: number; fullyRefunded: boolean }): Record<string, unknown> {
    const event = outboxRecord(
      PurchaseRefunded,
      {
        storeId: refund.storeId,
        orderId: refund.orderId,
        refundId: refund.refundId,
        customerId: purchase.customerId,
        amountMinor: refund.amountMinor,
        currency: refund.currency,
        purchaseAmountMinor: purchase.amountMinor,
        refundedTotalMinor: decision.refundedTotalMinor,
        fullyRefunded: decision.fullyRefunded,
        reason: refund.reason,
        occurredAt: refund.createdAt,
      },
      { eventId: refundEventId(refund), occurredAt: refund.createdAt },
    );
    return { pk: orderKey(refund.storeId, refund.orderId), sk: refundSk(refund.refundId), type: 'refund', ...refund, [OUTBOX_ATTRIBUTE]: event };
  }

  /** The purchase with its refunds: one Query over the order's item collection. */
  async getPurchase(storeId: string, orderId: string): Promise<{ purchase: Purchase; refunds: Refund[] } | undefined> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': orderKey(storeId, orderId) },
      ConsistentRead: true,
    });
    const purchaseItem = items.find((item) => item.sk === PURCHASE_SK && item.type === 'purchase');
    if (!purchaseItem) return undefined;
    const refunds = items
      .filter((item) => item.type === 'refund')
      .map(refundFromItem)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return { purchase: purchaseFromItem(purchaseItem), refunds };
  }

  async getRefund(storeId: string, orderId: string, refundId: string): Promise<Refund | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: orderKey(storeId, orderId), sk: refundSk(refundId) }, ConsistentRead: true }),
    );
    return result.Item ? refundFromItem(result.Item) : undefined;
  }

  /**
   * Inserts a refund (carrying its PurchaseRefunded outbox record) and raises the purchase's refunded total
   * in one transaction. The purchase update is conditioned on the total we read (optimistic concurrency),
   * because a condition cannot add; the caller re-reads and retries on `purchase-changed`.
   */
  async insertRefund(
    purchase: Purchase,
    refund: Refund,
    decision: { refundedTotalMinor: number; fullyRefunded: boolean },
  ): Promise<InsertRefundOutcome> {
    const outcome = await transactWrite(this.client, [
      { label: 'refund', item: { Put: { TableName: this.tableName, Item: this.refundItem(purchase, refund, decision), ConditionExpression: 'attribute_not_exists(pk)' } } },
      {
        label: 'purchase',
        item: {
          Update: {
            TableName: this.tableName,
            Key: { pk: orderKey(purchase.storeId, purchase.orderId), sk: PURCHASE_SK },
            UpdateExpression: 'SET refundedMinor = :total',
            ConditionExpression: 'refundedMinor = :seen',
            ExpressionAttributeValues: { ':total': decision.refundedTotalMinor, ':seen': purchase.refundedMinor },
          },
        },
      },
    ]);
    if (outcome.kind === 'committed') return { kind: 'created' };
    if (outcome.failed.includes('refund')) {
      const existing = await this.getRefund(refund.storeId, refund.orderId, refund.refundId);
      if (existing) return { kind: 'refund-exists', existing };
    }
    // The refunded total moved since it was read (or another writer raced us): the caller re-reads and retries.
    return { kind: 'purchase-changed' };
  }

  /** A customer's purchases, newest first; limited to one store when `storeId` is given. */
  async listCustomerPurchases(query: {
    customerId: string;
    storeId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<Purchase>> {
    const [indexName, keyName, keyValue] = query.storeId
      ? (['gsi2', 'gsi2pk', `STORE#${query.storeId}#CUSTOMER#${query.customerId}`] as const)
      : (['gsi1', 'gsi1pk', `CUSTOMER#${query.customerId}`] as const);
    const exclusiveStartKey = startKeyOf(query.cursor, keyName, keyValue);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': keyName },
        ExpressionAttributeValues: { ':key': keyValue },
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    return { items: (result.Items ?? []).map(purchaseFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /**
   * An order's refunds (its refund items alone, without their outbox events). The purchase item keeps only the refunded
   * total; when each refund was recorded is on the refund's own item.
   */
  async refundsOf(storeId: string, orderId: string): Promise<Refund[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :refund)',
      ExpressionAttributeValues: { ':pk': orderKey(storeId, orderId), ':refund': 'REFUND#' },
      ProjectionExpression: 'storeId, orderId, refundId, amountMinor, currency, #reason, createdAt, fingerprint',
      ExpressionAttributeNames: { '#reason': 'reason' },
    });
    return items.map(refundFromItem);
  }

  /**
   * The customer's oldest purchases (across stores), oldest first: whether someone was a customer before a date is
   * answered by the first few. The index is eventually consistent: a purchase recorded in the last second may be missing.
   */
  async oldestCustomerPurchases(customerId: string, limit: number): Promise<Purchase[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :key',
        ExpressionAttributeValues: { ':key': `CUSTOMER#${customerId}` },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map(purchaseFromItem);
  }

  /**
   * Erases the customer's personal data from every purchase (email, also inside the stored event) and refund reasons,
   * then confirms once. Order amounts and ids stay: they are the anonymous totals other ledgers rely on.
   */
  async eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number> {
    const purchases = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
    });
    let erased = 0;
    for (const purchase of purchases) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: purchase.pk, sk: purchase.sk },
          UpdateExpression: 'REMOVE email, #outbox.#detail.#data.email',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#outbox': OUTBOX_ATTRIBUTE, '#detail': 'detail', '#data': 'data' },
        }),
      );
      erased++;
      const refunds = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :refund)',
        ExpressionAttributeValues: { ':pk': purchase.pk, ':refund': 'REFUND#' },
      });
      for (const refund of refunds.filter((item) => item.reason !== undefined)) {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: refund.pk, sk: refund.sk },
            UpdateExpression: 'SET reason = :erased, #outbox.#detail.#data.reason = :erased',
            ExpressionAttributeNames: { '#outbox': OUTBOX_ATTRIBUTE, '#detail': 'detail', '#data': 'data' },
            ExpressionAttributeValues: { ':erased': ERASED },
          }),
        );
        erased++;
      }
    }
    await confirmErasureOnce(this.client, this.tableName, { requestId, customerId, service: 'purchases', itemsErased: erased, erasedAt });
    return erased;
  }

  /** Everything held about a customer's purchases, for export: each purchase with its refunds. */
  async exportCustomer(customerId: string): Promise<{ purchase: Purchase; refunds: Refund[] }[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
    });
    const result: { purchase: Purchase; refunds: Refund[] }[] = [];
    for (const item of items) {
      const { storeId, orderId } = purchaseFromItem(item);
      const found = await this.getPurchase(storeId, orderId);
      if (found) result.push(found);
    }
    return result;
  }
}

function toEventData(purchase: Purchase) {
  return {
    storeId: purchase.storeId,
    orderId: purchase.orderId,
    customerId: purchase.customerId,
    email: purchase.email,
    amountMinor: purchase.amountMinor,
    currency: purchase.currency,
    items: purchase.items.map((item) => ({ ...item })),
    occurredAt: purchase.occurredAt,
    recordedAt: purchase.recordedAt,
    referralCode: purchase.referralCode,
    channel: purchase.channel,
  };
}

function unmarshalled(item: Record<string, AttributeValue>): Record<string, unknown> {
  return unmarshall(item);
}
