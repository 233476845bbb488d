import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { journeyView } from './domain/use-cases';
import { journeyRepository, SERVICE } from './journey.context';
import { getCustomerJourney as route } from './journey.routes';

journeyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const journey = await journeyRepository().getJourney(params.customerId);
  if (!journey || journey.erasedAt) throw Problems.notFound(`No journey for customer ${params.customerId}`);
  return { status: 200, body: journeyView(journey) };
});
