import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import type { Referral } from './domain/referral';
import type { CodeView } from './domain/use-cases';
import { ReferralsRepository } from './referrals.repository';

export const SERVICE = 'referrals';
let repository: ReferralsRepository | undefined;

/** Cold-start wiring shared by the referral handlers: configuration parsed once, one repository. */
export function referralsRepository(): ReferralsRepository {
  if (!repository) {
    const config = loadConfig({ REFERRALS_TABLE_NAME: nonEmpty });
    repository = new ReferralsRepository(dynamoDocumentClient(), config.REFERRALS_TABLE_NAME);
  }
  return repository;
}

export { actorOf } from '../../shared/http/actor';

/**
 * The API's own origin as the caller reached it (API Gateway's domain, a custom domain, or the local runtime), so a
 * share link points at the same deployment that minted it.
 */
export function apiOrigin(event: APIGatewayProxyEventV2): string {
  const host = event.requestContext.domainName;
  const forwarded = event.headers?.['x-forwarded-proto'];
  const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  const scheme = forwarded === 'http' || forwarded === 'https' ? forwarded : local ? 'http' : 'https';
  return `${scheme}://${host}`;
}

export function codeResponse(view: CodeView, origin: string) {
  return { ...view, link: `${origin}/r/${encodeURIComponent(view.code)}` };
}

/** A referral as the API shows it: never its hashes (they are for the rules, not for people). */
export function referralResponse(referral: Referral) {
  const { refereeEmailHash: _email, ipHash, agentHash: _agent, version: _version, historySeq: _seq, heldPoints: _held, promisedReward: _promised, ...visible } = referral;
  return { ...visible, networkKnown: ipHash !== undefined };
}
