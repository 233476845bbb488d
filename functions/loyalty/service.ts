import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { PointsAdjusted } from '../../events/points-adjusted';
import { PointsEarned } from '../../events/points-earned';
import { PointsExpired } from '../../events/points-expired';
import { PointsExpiringSoon } from '../../events/points-expiring-soon';
import { PointsReleased } from '../../events/points-released';
import { PointsReversed } from '../../events/points-reversed';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { RedemptionCancelled } from '../../events/redemption-cancelled';
import { WinBackOffered } from '../../events/journey';
import { ReferralRewarded, ReferralWelcomeOffered } from '../../events/referrals';
import { RewardRedeemed } from '../../events/reward-redeemed';
import { TierChanged } from '../../events/tier-changed';
import { defineService, keyedTable } from '../../shared/service/declarations';
import * as routes from './loyalty.routes';

const reads = { memoryMb: 512, timeoutSeconds: 10, tables: { loyalty: 'read' } } as const;
const writes = { memoryMb: 512, timeoutSeconds: 10, tables: { loyalty: 'readWrite' } } as const;
const consumer = { retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 } as const;

/** Loyalty: the program, points (earned, pending, expiring), tiers, rewards and redemptions. */
export const loyaltyService = defineService({
  name: 'loyalty',
  description: 'Points, tiers, rewards and redemptions',
  tables: {
    // gsi1: the due-time index the schedules page through (DUE#<kind>#<shard>, sorted by due time); gsi2: a
    // customer's redemptions, newest first. The due-time index projects keys only (the schedules re-read each item
    // consistently), so an account or lot write that keeps its due time does not write the index.
    loyalty: keyedTable({ envVar: 'LOYALTY_TABLE_NAME', indexes: [{ name: 'gsi1', projection: 'keys' }, 'gsi2'], stream: true, timeToLiveAttribute: 'expiresAt' }),
  },
  functions: {
    getProgram: { entry: 'functions/loyalty/get-program.handler.ts', description: 'GET /v1/program', ...reads },
    putProgram: { entry: 'functions/loyalty/put-program.handler.ts', description: 'PUT /v1/program', ...writes },
    getLoyaltyBalance: { entry: 'functions/loyalty/get-balance.handler.ts', description: 'GET /v1/customers/{customerId}/loyalty', ...reads },
    getLedger: { entry: 'functions/loyalty/get-ledger.handler.ts', description: 'GET /v1/customers/{customerId}/ledger', ...reads },
    createAdjustment: { entry: 'functions/loyalty/create-adjustment.handler.ts', description: 'POST /v1/customers/{customerId}/adjustments', ...writes },
    batchAdjustments: {
      entry: 'functions/loyalty/batch-adjustments.handler.ts',
      description: 'POST /v1/adjustments/batch',
      memoryMb: 1024,
      timeoutSeconds: 29,
      tables: { loyalty: 'readWrite' },
    },
    listRewards: { entry: 'functions/loyalty/list-rewards.handler.ts', description: 'GET /v1/rewards', ...reads },
    createReward: { entry: 'functions/loyalty/create-reward.handler.ts', description: 'POST /v1/rewards', ...writes },
    updateReward: { entry: 'functions/loyalty/update-reward.handler.ts', description: 'PUT /v1/rewards/{rewardId}', ...writes },
    createRedemption: { entry: 'functions/loyalty/create-redemption.handler.ts', description: 'POST /v1/customers/{customerId}/redemptions', ...writes },
    listRedemptions: { entry: 'functions/loyalty/list-redemptions.handler.ts', description: 'GET /v1/customers/{customerId}/redemptions', ...reads },
    cancelRedemption: { entry: 'functions/loyalty/cancel-redemption.handler.ts', description: 'POST /v1/redemptions/{redemptionId}/cancel', ...writes },
    consumeCoupon: { entry: 'functions/loyalty/consume-coupon.handler.ts', description: 'POST /v1/coupons/{code}/consume', ...writes },
    rewardsWidget: { entry: 'functions/loyalty/rewards-widget.handler.ts', description: 'GET /l/{file}', memoryMb: 128, timeoutSeconds: 5, tables: {} },
    loyaltyPurchaseEvents: {
      entry: 'functions/loyalty/purchase-events.handler.ts',
      description: 'Awards points for purchases and reverses them for refunds (exactly once)',
      // Sized by measurement (npm run bench: peak V8 heap ~20 MiB, I/O-bound): 256 MB leaves headroom over Lambda's Node runtime.
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { loyalty: 'readWrite' },
    },
    loyaltyReferralEvents: {
      entry: 'functions/loyalty/referral-events.handler.ts',
      description: "Credits a referral's reward to the advocate and its welcome offer to the referee (exactly once)",
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { loyalty: 'readWrite' },
    },
    loyaltyWinBackEvents: {
      entry: 'functions/loyalty/win-back-events.handler.ts',
      description: "Credits a win-back offer's points (ledger reason win-back, exactly once)",
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { loyalty: 'readWrite' },
    },
    loyaltySchedules: {
      entry: 'functions/loyalty/schedules.handler.ts',
      description: 'Releases pending points, sends expiry reminders, expires points, reviews tiers',
      // Measured peak V8 heap ~26 MiB releasing thousands of lots; its work is DynamoDB round trips, not CPU.
      memoryMb: 512,
      timeoutSeconds: 300,
      tables: { loyalty: 'readWrite' },
    },
    eraseLoyaltyCustomer: {
      entry: 'functions/loyalty/erase-customer.handler.ts',
      description: 'CustomerErasureRequested in the loyalty service',
      memoryMb: 512,
      timeoutSeconds: 120,
      tables: { loyalty: 'readWrite' },
    },
    exportLoyaltyCustomer: {
      entry: 'functions/loyalty/export-customer.handler.ts',
      description: "The loyalty part of a customer's data export (invoked by the privacy service)",
      memoryMb: 512,
      timeoutSeconds: 25,
      tables: { loyalty: 'read' },
    },
  },
  routes: [
    { route: routes.getProgram, function: 'getProgram' },
    { route: routes.putProgram, function: 'putProgram' },
    { route: routes.getLoyaltyBalance, function: 'getLoyaltyBalance' },
    { route: routes.getLedger, function: 'getLedger' },
    { route: routes.createAdjustment, function: 'createAdjustment' },
    { route: routes.batchAdjustments, function: 'batchAdjustments' },
    { route: routes.listRewards, function: 'listRewards' },
    { route: routes.createReward, function: 'createReward' },
    { route: routes.updateReward, function: 'updateReward' },
    { route: routes.createRedemption, function: 'createRedemption' },
    { route: routes.listRedemptions, function: 'listRedemptions' },
    { route: routes.cancelRedemption, function: 'cancelRedemption' },
    { route: routes.consumeCoupon, function: 'consumeCoupon' },
    { route: routes.rewardsWidget, function: 'rewardsWidget' },
  ],
  subscriptions: [
    { name: 'loyalty-award-purchase-recorded', event: PurchaseRecorded, function: 'loyaltyPurchaseEvents', ...consumer },
    { name: 'loyalty-reverse-purchase-refunded', event: PurchaseRefunded, function: 'loyaltyPurchaseEvents', ...consumer },
    { name: 'loyalty-credit-referral-rewarded', event: ReferralRewarded, function: 'loyaltyReferralEvents', ...consumer },
    { name: 'loyalty-credit-referral-welcome', event: ReferralWelcomeOffered, function: 'loyaltyReferralEvents', ...consumer },
    { name: 'loyalty-credit-win-back', event: WinBackOffered, function: 'loyaltyWinBackEvents', ...consumer },
    { name: 'loyalty-erase-customer', event: CustomerErasureRequested, function: 'eraseLoyaltyCustomer', ...consumer },
  ],
  schedules: [
    { name: 'loyalty-release-pending', function: 'loyaltySchedules', expression: 'rate(15 minutes)', description: 'Pending points whose return window closed become available' },
    { name: 'loyalty-expiry-reminders', function: 'loyaltySchedules', expression: 'rate(1 hour)', description: 'PointsExpiringSoon for points expiring within the reminder window' },
    { name: 'loyalty-expire-points', function: 'loyaltySchedules', expression: 'rate(1 hour)', description: 'Expires points past their expiry, oldest first' },
    { name: 'loyalty-tier-review', function: 'loyaltySchedules', expression: 'cron(0 3 * * ? *)', description: 'Re-evaluates tiers for downgrade (policy "reevaluate")' },
  ],
  produces: [PointsEarned, PointsReversed, PointsReleased, PointsExpired, PointsExpiringSoon, PointsAdjusted, RewardRedeemed, RedemptionCancelled, TierChanged],
  privacy: { export: 'exportLoyaltyCustomer', erase: 'eraseLoyaltyCustomer' },
  exposes: [{ module: 'functions/loyalty/loyalty.reads.facade.ts', tables: { loyalty: 'read' } }],
});
