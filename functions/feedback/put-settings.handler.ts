import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { saveFeedbackSettings } from './domain/use-cases';
import { actorOf, feedbackRepository, SERVICE } from './feedback.context';
import { putFeedbackSettings as route } from './feedback.routes';

feedbackRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const result = await saveFeedbackSettings(feedbackRepository(), body, actorOf(principal), now().toISOString());
  if (result.kind === 'conflict') throw Problems.conflict('settings-conflict', 'The feedback settings changed while saving; read them again and retry');
  return { status: 200, body: result.settings };
});
