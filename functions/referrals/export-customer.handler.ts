import { privacyExporter } from '../../shared/privacy/exporter';
import { referralResponse, referralsRepository, SERVICE } from './referrals.context';

referralsRepository();

/** The referrals part of a customer's export: their codes and stats as an advocate, their referrals, who referred them. */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const { advocate, codes, referrals, referredBy, replacedReferrals } = await referralsRepository().exportCustomer(customerId);
  return {
    referrals: {
      ...(advocate ? { advocate: { activeCode: advocate.activeCode ?? null, stats: advocate.stats, banned: advocate.banned ?? null, since: advocate.createdAt, emailsKnown: advocate.emailHashes.length } } : {}),
      codes,
      referred: referrals.map(referralResponse),
      referredBy: referredBy ? referralResponse(referredBy) : null,
      earlierAttributions: replacedReferrals.map(referralResponse),
    },
  };
});
