import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { feedbackRepository, SERVICE } from './feedback.context';
import { getFeedbackSettings as route } from './feedback.routes';

feedbackRepository();

export const handler = httpHandler({ service: SERVICE, route }, async () => {
  const settings = await feedbackRepository().getSettings();
  if (!settings) throw Problems.notFound('No feedback settings are saved yet: PUT /v1/feedback-settings to create them');
  return { status: 200, body: settings };
});
