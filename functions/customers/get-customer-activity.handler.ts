import { httpHandler } from '../../shared/http/stack';
import { customerParams } from '../../shared/domain/identifiers';
import { customersRepository, SERVICE } from './customers.context';
import { activityView, emptyActivity } from './domain/activity';

customersRepository();

/** An unknown customer has no activity yet: that is an empty summary, not an error. */
export const handler = httpHandler({ service: SERVICE, params: customerParams }, async ({ params }) => {
  const activity = (await customersRepository().getActivity(params.customerId)) ?? emptyActivity(params.customerId);
  return { status: 200, body: activityView(activity) };
});
