import { now } from '../../shared/clock';
import { actorOf } from '../../shared/http/actor';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { saveJourneySettings } from './domain/winback-use-cases';
import { journeyRepository, SERVICE } from './journey.context';
import { putJourneySettings as route } from './journey.routes';

journeyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const result = await saveJourneySettings(journeyRepository(), body, actorOf(principal), now().toISOString());
  if (result.kind === 'conflict') throw Problems.conflict('settings-conflict', 'The journey settings changed while saving; read them again and retry');
  return { status: 200, body: result.settings };
});
