import { now } from '../../shared/clock';
import { privacyExporter } from '../../shared/privacy/exporter';
import { feedbackView } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';

feedbackRepository();

/** The feedback part of a customer's export: every survey request, with their answers and comments. */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const at = now().toISOString();
  const requests = await feedbackRepository().allCustomerRequests(customerId);
  return { feedback: requests.map((request) => ({ ...feedbackView(request, at), ...(request.email ? { email: request.email } : {}) })) };
});
