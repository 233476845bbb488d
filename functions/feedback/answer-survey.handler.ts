import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { answerSurvey } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';
import { answerSurvey as route } from './feedback.routes';

feedbackRepository();

/** Authenticated by the token alone (public route): one answer per request. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body }) => {
  const result = await answerSurvey(feedbackRepository(), body, now().toISOString());
  switch (result.kind) {
    case 'answered': {
      const answer = result.request.answer as NonNullable<typeof result.request.answer>;
      return { status: 201, body: { requestId: result.request.requestId, kind: result.request.kind, score: answer.score, category: result.category, answeredAt: answer.answeredAt } };
    }
    case 'not-found':
      throw Problems.notFound('This survey link is not valid');
    case 'expired':
      throw Problems.gone('survey-expired', 'This survey link has expired');
    case 'already-answered':
      throw Problems.conflict('already-answered', 'This survey has been answered already; thank you');
    case 'invalid-score':
      throw Problems.validation([{ pointer: '/score', detail: `must be a whole number from ${result.min} to ${result.max}` }]);
  }
});
