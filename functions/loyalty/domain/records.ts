import type { ExplanationStep } from './points';

/** What a purchase earned, kept so refunds can reverse their share exactly once. */
export interface EarnRecord {
  readonly customerId: string;
  readonly storeId: string;
  readonly orderId: string;
  readonly points: number;
  readonly reversed: number;
  readonly lotId: string;
  readonly purchaseAmountMinor: number;
  readonly spendKey?: string;
  readonly baseAmountMinor: number;
  readonly appliedRefunds: readonly string[];
  readonly explanation: ExplanationStep[];
}

/** A purchase's contribution to qualifying spend (base currency, net of refunds). */
export interface SpendRecord {
  readonly customerId: string;
  readonly key: string;
  readonly occurredAt: string;
  readonly baseAmountMinor: number;
}

export interface Reward {
  readonly rewardId: string;
  readonly name: string;
  readonly description?: string;
  readonly costPoints: number;
  readonly type:
    | { kind: 'fixed_discount'; amount: string; currency: string }
    | { kind: 'percent_discount'; percent: number }
    | { kind: 'free_shipping' }
    | { kind: 'free_product'; sku: string }
    | { kind: 'custom'; details: string };
  readonly active: boolean;
  readonly stock?: number;
  readonly perCustomerLimit?: number;
  readonly minimumTier?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface Redemption {
  readonly redemptionId: string;
  readonly customerId: string;
  readonly rewardId: string;
  readonly rewardName: string;
  readonly pointsSpent: number;
  readonly couponCode: string;
  readonly status: 'active' | 'used' | 'cancelled';
  readonly createdAt: string;
  readonly usedAt?: string;
  readonly cancelledAt?: string;
  readonly requestedBy: string;
  /** Who marked the coupon used (`storefront:<storeId>`): coupons work in every store of the merchant. */
  readonly usedBy?: string;
}
