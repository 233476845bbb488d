import { httpHandler } from '../../shared/http/stack';
import { customersRepository, SERVICE } from './customers.context';
import { getCustomerActivity as route } from './customers.routes';
import { activityView, emptyActivity } from './domain/activity';

customersRepository();

/** An unknown customer has no activity yet: that is an empty summary, not an error. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const activity = (await customersRepository().getActivity(params.customerId)) ?? emptyActivity(params.customerId);
  return { status: 200, body: activityView(activity) };
});
