import { formatMinor, minorUnitsField } from '../../../shared/domain/money';

/**
 * A customer's purchase activity across stores: the facts retention automations watch (cadence, spend,
 * refunds). Updated from purchase events; each event applies once.
 */
export interface CustomerActivity {
  readonly customerId: string;
  readonly orderCount: number;
  readonly refundCount: number;
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
  /**
   * Per currency, integer minor units as exact decimal digits: never summed across currencies. A customer's
   * purchases are unbounded in number, so their sum may pass 2^53; it is added with BigInt and stored as text.
   */
  readonly spentMinor: Readonly<Record<string, string>>;
  readonly refundedMinor: Readonly<Record<string, string>>;
  /** Optimistic-concurrency version of the stored summary. */
  readonly version: number;
}

export function emptyActivity(customerId: string): CustomerActivity {
  return { customerId, orderCount: 0, refundCount: 0, spentMinor: {}, refundedMinor: {}, version: 0 };
}

export function applyPurchase(
  activity: CustomerActivity,
  purchase: { amountMinor: number; currency: string; occurredAt: string },
): CustomerActivity {
  return {
    ...activity,
    orderCount: activity.orderCount + 1,
    firstPurchaseAt: earliest(activity.firstPurchaseAt, purchase.occurredAt),
    lastPurchaseAt: latest(activity.lastPurchaseAt, purchase.occurredAt),
    spentMinor: addTo(activity.spentMinor, purchase.currency, purchase.amountMinor),
    version: activity.version + 1,
  };
}

export function applyRefund(activity: CustomerActivity, refund: { amountMinor: number; currency: string }): CustomerActivity {
  return {
    ...activity,
    refundCount: activity.refundCount + 1,
    refundedMinor: addTo(activity.refundedMinor, refund.currency, refund.amountMinor),
    version: activity.version + 1,
  };
}

export function activityView(activity: CustomerActivity) {
  const currencies = [...new Set([...Object.keys(activity.spentMinor), ...Object.keys(activity.refundedMinor)])].sort();
  return {
    customerId: activity.customerId,
    orderCount: activity.orderCount,
    refundCount: activity.refundCount,
    ...(activity.firstPurchaseAt ? { firstPurchaseAt: activity.firstPurchaseAt } : {}),
    ...(activity.lastPurchaseAt ? { lastPurchaseAt: activity.lastPurchaseAt } : {}),
    spend: currencies.map((currency) => {
      const spent = BigInt(activity.spentMinor[currency] ?? '0');
      const refunded = BigInt(activity.refundedMinor[currency] ?? '0');
      return {
        currency,
        spent: formatMinor(spent, currency),
        spentMinor: minorUnitsField(spent),
        refunded: formatMinor(refunded, currency),
        refundedMinor: minorUnitsField(refunded),
        net: formatMinor(spent - refunded, currency),
        netMinor: minorUnitsField(spent - refunded),
      };
    }),
  };
}

function addTo(totals: Readonly<Record<string, string>>, currency: string, amount: number): Record<string, string> {
  return { ...totals, [currency]: (BigInt(totals[currency] ?? '0') + BigInt(amount)).toString() };
}

function earliest(a: string | undefined, b: string): string {
  return a === undefined || b < a ? b : a;
}

function latest(a: string | undefined, b: string): string {
  return a === undefined || b > a ? b : a;
}
