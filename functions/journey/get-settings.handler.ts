import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { journeyRepository, SERVICE } from './journey.context';
import { getJourneySettings as route } from './journey.routes';

journeyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async () => {
  const settings = await journeyRepository().getSettings();
  if (!settings) throw Problems.notFound('No journey settings are saved yet: PUT /v1/journey-settings to create them');
  return { status: 200, body: settings };
});
