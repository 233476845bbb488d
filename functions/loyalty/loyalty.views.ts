import type { LedgerEntry } from './domain/account';
import type { Redemption } from './domain/records';

/** API representations of loyalty records. */
export function ledgerEntryView(entry: LedgerEntry) {
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
  };
}
