import { privacyExporter } from '../../shared/privacy/exporter';
import { customersRepository, SERVICE } from './customers.context';
import { activityView, emptyActivity } from './domain/activity';

customersRepository();

/** The customers part of a customer's data export: their activity summary. */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const activity = (await customersRepository().getActivity(customerId)) ?? emptyActivity(customerId);
  return { activity: activityView(activity) };
});
