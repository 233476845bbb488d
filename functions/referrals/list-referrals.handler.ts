import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { referralResponse, referralsRepository, SERVICE } from './referrals.context';
import { listReferrals as route, listReferralsQuery as listQuery } from './referrals.routes';

referralsRepository();

/** ?status=flagged is the review queue; ?advocateCustomerId= one advocate's referrals. One of the two is required. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ query }) => {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success) throw Problems.validation(fieldErrorsFromZod(parsed.error, '/query'));
  const { status, advocateCustomerId, limit: _limit, cursor: _cursor } = parsed.data;
  if ((status === undefined) === (advocateCustomerId === undefined)) {
    throw Problems.validation([{ pointer: '/query/status', detail: 'give exactly one of status and advocateCustomerId' }]);
  }
  const store = referralsRepository();
  return pagedListing(
    { limit: query.limit, cursor: query.cursor },
    (page) => (status ? store.listByStatus(status, page.limit, page.cursor) : store.listByAdvocate(advocateCustomerId as string, page.limit, page.cursor)),
    referralResponse,
  );
});
