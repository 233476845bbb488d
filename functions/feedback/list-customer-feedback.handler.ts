import { now } from '../../shared/clock';
import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { feedbackView } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';
import { listCustomerFeedback as route } from './feedback.routes';

feedbackRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, query }) => {
  const at = now().toISOString();
  return pagedListing(query, (page) => feedbackRepository().customerRequests(params.customerId, page.limit, page.cursor), (request) => feedbackView(request, at));
});
