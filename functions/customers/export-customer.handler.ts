import { privacyExporter } from '../../shared/privacy/exporter';
import { customersRepository, SERVICE } from './customers.context';
import { activityView } from './domain/activity';
import { customerActivity } from './domain/use-cases';

customersRepository();

/** The customers part of a customer's data export: their activity summary. */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  return { activity: activityView(await customerActivity(customersRepository(), customerId)) };
});
