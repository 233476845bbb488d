import type { LedgerEntry } from './domain/account';
import type { Redemption } from './domain/records';

/**
 * Which store an entry's order belongs to: recorded on the source since stores were told apart, read from the
 * source id (`<storeId>:<orderId>…`, lots `order:<storeId>:<orderId>`) for older entries.
 */
export function storeOfEntry(entry: LedgerEntry): string | undefined {
  if (entry.source.storeId !== undefined) return entry.source.storeId;
  if (entry.source.kind === 'order' || entry.source.kind === 'rule' || entry.source.kind === 'refund') return entry.source.id.split(':')[0];
  if (entry.source.kind === 'lot' && entry.source.id.startsWith('order:')) return entry.source.id.split(':')[1];
  return undefined;
}

const OTHER_STORE_REASONS: Partial<Record<LedgerEntry['type'], string>> = {
  earn: 'Purchase in another store',
  bonus: 'Bonus for a purchase in another store',
  reverse: 'Refund of a purchase in another store',
  release: 'Points of a purchase in another store are now available',
  expire: 'Points of a purchase in another store expired',
};

/**
 * API representations of loyalty records. One merchant, many stores: a store sees every entry's points (they are
 * the customer's balance with the merchant) but the order details — order and refund ids, amounts in the
 * explanation — only of its own orders. The customer and marketers see everything.
 */
export function ledgerEntryView(entry: LedgerEntry, viewer: { storeId?: string } = {}) {
  const owner = storeOfEntry(entry);
  if (viewer.storeId !== undefined && owner !== undefined && owner !== viewer.storeId) {
    return {
      entryId: entry.entryId,
      type: entry.type,
      points: entry.points,
      reason: OTHER_STORE_REASONS[entry.type] ?? 'Change from another store',
      source: { kind: entry.source.kind },
      balanceAfter: entry.balanceAfter,
      createdAt: entry.createdAt,
      ...(entry.programVersion === undefined ? {} : { programVersion: entry.programVersion }),
    };
  }
  return {
    entryId: entry.entryId,
    type: entry.type,
    points: entry.points,
    reason: entry.reason,
    source: entry.source,
    balanceAfter: entry.balanceAfter,
    createdAt: entry.createdAt,
    ...(entry.programVersion === undefined ? {} : { programVersion: entry.programVersion }),
    ...(entry.explanation ? { explanation: entry.explanation } : {}),
    ...(entry.by ? { by: entry.by } : {}),
  };
}

export function redemptionView(redemption: Redemption) {
  return {
    redemptionId: redemption.redemptionId,
    customerId: redemption.customerId,
    rewardId: redemption.rewardId,
    rewardName: redemption.rewardName,
    pointsSpent: redemption.pointsSpent,
    couponCode: redemption.couponCode,
    status: redemption.status,
    createdAt: redemption.createdAt,
    ...(redemption.usedAt ? { usedAt: redemption.usedAt } : {}),
    ...(redemption.cancelledAt ? { cancelledAt: redemption.cancelledAt } : {}),
    ...(redemption.usedBy ? { usedBy: redemption.usedBy } : {}),
    requestedBy: redemption.requestedBy,
  };
}
