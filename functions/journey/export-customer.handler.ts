import { privacyExporter } from '../../shared/privacy/exporter';
import { journeyView } from './domain/use-cases';
import { journeyRepository, SERVICE } from './journey.context';

journeyRepository();

/** The journey part of a customer's export: their stage, milestones, history and signals, and their latest win-back decision (offered or holdout). */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const [journey, winBack] = await Promise.all([journeyRepository().getJourney(customerId), journeyRepository().getWinBack(customerId)]);
  if (!journey || journey.erasedAt) return {};
  return { journey: journeyView(journey), ...(winBack ? { winBack } : {}) };
});
