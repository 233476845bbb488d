import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { REFERRAL_EVENTS } from '../../events/referrals';
import { defineService, keyedTable } from '../../shared/service/declarations';
import * as routes from './referrals.routes';

const PURCHASE_READS = 'functions/purchases/purchases.reads.facade.ts';
const reads = { memoryMb: 256, timeoutSeconds: 10, tables: { referrals: 'read' } } as const;
const writes = { memoryMb: 256, timeoutSeconds: 10, tables: { referrals: 'readWrite' } } as const;
const consumer = { retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 } as const;

/** Referrals: personal codes and share links, attribution, fraud rules and review, double-sided rewards through loyalty. */
export const referralsService = defineService({
  name: 'referrals',
  description: 'Referral codes, attribution, fraud rules, review and rewards',
  tables: {
    // gsi1: the due-time index the settle schedule pages through (keys only: it re-reads each referral); gsi2: referrals
    // by status, newest first (the review queue); gsi3: an advocate's referrals, newest first. Counters expire.
    referrals: keyedTable({ envVar: 'REFERRALS_TABLE_NAME', indexes: [{ name: 'gsi1', projection: 'keys' }, 'gsi2', 'gsi3'], stream: true, timeToLiveAttribute: 'expiresAt' }),
  },
  functions: {
    ensureReferralCode: { entry: 'functions/referrals/ensure-code.handler.ts', description: 'POST /v1/customers/{customerId}/referral-code', ...writes },
    getReferralCode: { entry: 'functions/referrals/get-code.handler.ts', description: 'GET /v1/customers/{customerId}/referral-code', ...reads },
    blockReferralCode: { entry: 'functions/referrals/block-code.handler.ts', description: 'POST /v1/referral-codes/{code}/block', ...writes },
    rotateReferralCode: { entry: 'functions/referrals/rotate-code.handler.ts', description: 'POST /v1/referral-codes/{code}/rotate', ...writes },
    followReferralLink: { entry: 'functions/referrals/follow-link.handler.ts', description: 'GET /r/{code}', ...writes },
    createReferral: { entry: 'functions/referrals/create-referral.handler.ts', description: 'POST /v1/referrals', ...writes, uses: [PURCHASE_READS] },
    listReferrals: { entry: 'functions/referrals/list-referrals.handler.ts', description: 'GET /v1/referrals', ...reads },
    getReferral: { entry: 'functions/referrals/get-referral.handler.ts', description: 'GET /v1/referrals/{referralId}', ...reads },
    approveReferral: { entry: 'functions/referrals/approve-referral.handler.ts', description: 'POST /v1/referrals/{referralId}/approve', ...writes, uses: [PURCHASE_READS] },
    rejectReferral: { entry: 'functions/referrals/reject-referral.handler.ts', description: 'POST /v1/referrals/{referralId}/reject', ...writes },
    banReferralAdvocate: { entry: 'functions/referrals/ban-advocate.handler.ts', description: 'POST /v1/referral-advocates/{customerId}/ban', ...writes, timeoutSeconds: 29 },
    getReferralProgram: { entry: 'functions/referrals/get-program.handler.ts', description: 'GET /v1/referral-program', ...reads },
    putReferralProgram: { entry: 'functions/referrals/put-program.handler.ts', description: 'PUT /v1/referral-program', ...writes },
    referralPurchaseEvents: {
      entry: 'functions/referrals/purchase-events.handler.ts',
      description: 'Attributes purchases to codes, judges first purchases, rejects held referrals on refunds (exactly once)',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { referrals: 'readWrite' },
      uses: [PURCHASE_READS],
    },
    referralSchedules: {
      entry: 'functions/referrals/schedules.handler.ts',
      description: 'Rewards referrals whose hold ended, rejects refunded ones, expires unused signups',
      memoryMb: 512,
      timeoutSeconds: 300,
      tables: { referrals: 'readWrite' },
      uses: [PURCHASE_READS],
    },
    eraseReferralsCustomer: {
      entry: 'functions/referrals/erase-customer.handler.ts',
      description: 'CustomerErasureRequested in the referrals service',
      memoryMb: 256,
      timeoutSeconds: 120,
      tables: { referrals: 'readWrite' },
    },
    exportReferralsCustomer: {
      entry: 'functions/referrals/export-customer.handler.ts',
      description: "The referrals part of a customer's data export (invoked by the privacy service)",
      memoryMb: 256,
      timeoutSeconds: 25,
      tables: { referrals: 'read' },
    },
  },
  routes: [
    { route: routes.ensureReferralCode, function: 'ensureReferralCode' },
    { route: routes.getReferralCode, function: 'getReferralCode' },
    { route: routes.blockReferralCode, function: 'blockReferralCode' },
    { route: routes.rotateReferralCode, function: 'rotateReferralCode' },
    { route: routes.followReferralLink, function: 'followReferralLink' },
    { route: routes.createReferral, function: 'createReferral' },
    { route: routes.listReferrals, function: 'listReferrals' },
    { route: routes.getReferral, function: 'getReferral' },
    { route: routes.approveReferral, function: 'approveReferral' },
    { route: routes.rejectReferral, function: 'rejectReferral' },
    { route: routes.banAdvocate, function: 'banReferralAdvocate' },
    { route: routes.getReferralProgram, function: 'getReferralProgram' },
    { route: routes.putReferralProgram, function: 'putReferralProgram' },
  ],
  subscriptions: [
    { name: 'referrals-purchase-recorded', event: PurchaseRecorded, function: 'referralPurchaseEvents', ...consumer },
    { name: 'referrals-purchase-refunded', event: PurchaseRefunded, function: 'referralPurchaseEvents', ...consumer },
    { name: 'referrals-erase-customer', event: CustomerErasureRequested, function: 'eraseReferralsCustomer', ...consumer },
  ],
  schedules: [
    { name: 'referrals-settle', function: 'referralSchedules', expression: 'rate(15 minutes)', description: 'Referrals whose hold ended are rewarded or rejected; unused signups expire' },
  ],
  produces: [...REFERRAL_EVENTS],
  privacy: { export: 'exportReferralsCustomer', erase: 'eraseReferralsCustomer' },
  exposes: [{ module: 'functions/referrals/referrals.reads.facade.ts', tables: { referrals: 'read' } }],
});
