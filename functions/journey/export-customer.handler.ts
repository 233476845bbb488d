import { privacyExporter } from '../../shared/privacy/exporter';
import { journeyView } from './domain/use-cases';
import { journeyRepository, SERVICE } from './journey.context';

journeyRepository();

/** The journey part of a customer's export: their stage, milestones, history and signals. */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const journey = await journeyRepository().getJourney(customerId);
  return journey && !journey.erasedAt ? { journey: journeyView(journey) } : {};
});
