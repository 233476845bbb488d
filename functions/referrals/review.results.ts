import { Problems } from '../../shared/http/problem';
import type { ReviewResult } from './domain/use-cases';
import { referralResponse } from './referrals.context';

/** Maps a review decision to HTTP (approve and reject alike). */
export function reviewOutcome(result: ReviewResult, referralId: string, action: 'approve' | 'reject') {
  if (result.kind === 'not-found') throw Problems.notFound(`No referral ${referralId}`);
  if (result.kind === 'not-reviewable') {
    const what = action === 'approve' ? 'only a flagged referral can be approved' : 'only an attributed, pending or flagged referral can be rejected';
    throw Problems.conflict('not-reviewable', `This referral is ${result.status}: ${what}`);
  }
  return { status: 200, body: referralResponse(result.referral) };
}
