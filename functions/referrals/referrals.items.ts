import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import { storedReferralProgram, type ReferralProgram } from './domain/program';
import { REFERRAL_STATUSES, type HistoryEntry, type Referral } from './domain/referral';
import type { Advocate, CodeRecord } from './domain/store';

/** The referral table's items as stored, parsed (never cast) into the domain's types. */
const int = z.number().int();
const counter = int.default(0);
const status = z.enum(REFERRAL_STATUSES as [Referral['status'], ...Referral['status'][]]);

const referral = z.object({
  referralId: z.string(),
  code: z.string(),
  advocateCustomerId: z.string(),
  refereeCustomerId: z.string(),
  status,
  via: z.enum(['purchase', 'signup']),
  attributedAt: z.string(),
  windowEndsAt: z.string().optional(),
  order: z.object({ storeId: z.string(), orderId: z.string(), amountMinor: int, currency: z.string(), occurredAt: z.string() }).optional(),
  holdUntil: z.string().optional(),
  refereeEmailHash: z.string().optional(),
  ipHash: z.string().optional(),
  agentHash: z.string().optional(),
  flags: z.array(z.object({ rule: z.string(), reason: z.string(), at: z.string() })).default([]),
  rejection: z.object({ reason: z.string(), rule: z.string().optional(), by: z.string(), at: z.string() }).optional(),
  welcomeOffered: z.boolean().default(false),
  rewardedAt: z.string().optional(),
  heldPoints: int.optional(),
  promisedReward: z.discriminatedUnion('kind', [z.object({ kind: z.literal('points'), points: int }), z.object({ kind: z.literal('coupon'), rewardId: z.string() })]).optional(),
  programVersion: int,
  version: int,
  historySeq: int,
  updatedAt: z.string(),
});

const history = z.object({
  seq: int,
  at: z.string(),
  status,
  event: z.enum(['ReferralAttributed', 'ReferralPending', 'ReferralFlagged', 'ReferralQualified', 'ReferralRewarded', 'ReferralWelcomeOffered', 'ReferralRejected', 'ReferralExpired']),
  reason: z.string(),
  rule: z.string().optional(),
  by: z.string(),
  data: z.record(z.string(), z.unknown()),
});

const stats = z.object({
  clicks: counter,
  referred: counter,
  pending: counter,
  flagged: counter,
  qualified: counter,
  rewarded: counter,
  rejected: counter,
  expired: counter,
  pendingRewardPoints: counter,
});

const advocate = z.object({
  customerId: z.string(),
  version: int,
  activeCode: z.string().optional(),
  emailHashes: z.array(z.string()).default([]),
  recentRewards: z.array(z.string()).default([]),
  banned: z.object({ at: z.string(), by: z.string(), reason: z.string() }).optional(),
  stats: stats.default(stats.parse({})),
  createdAt: z.string(),
});

const code = z.object({
  code: z.string(),
  customerId: z.string(),
  status: z.enum(['active', 'blocked', 'rotated']),
  createdAt: z.string(),
  changedAt: z.string().optional(),
  changedBy: z.string().optional(),
  reason: z.string().optional(),
});

export function referralFromItem(item: unknown): Referral {
  return parseItem(referral, item, 'referral');
}

export function historyFromItem(item: unknown): HistoryEntry {
  return parseItem(history, item, 'referral history entry');
}

export function advocateFromItem(item: unknown): Advocate {
  return parseItem(advocate, item, 'advocate');
}

export function codeFromItem(item: unknown): CodeRecord {
  return parseItem(code, item, 'referral code');
}

export function programFromItem(item: unknown): ReferralProgram {
  return parseItem(z.object({ program: storedReferralProgram }), item, 'referral program').program;
}
