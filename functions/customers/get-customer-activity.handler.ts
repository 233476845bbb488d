import { httpHandler } from '../../shared/http/stack';
import { customersRepository, SERVICE } from './customers.context';
import { getCustomerActivity as route } from './customers.routes';
import { activityView } from './domain/activity';
import { customerActivity } from './domain/use-cases';

customersRepository();

/** An unknown customer has no activity yet: that is an empty summary, not an error. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const activity = await customerActivity(customersRepository(), params.customerId);
  return { status: 200, body: activityView(activity) };
});
