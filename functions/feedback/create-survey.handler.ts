import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { askManually } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';
import { createSurvey as route } from './feedback.routes';

feedbackRepository();

/** An ask, sent now or scheduled; a spent contact budget answers 200 {status: "throttled", reason} and stores nothing. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body }) => {
  const result = await askManually(feedbackRepository(), body, now().toISOString());
  switch (result.kind) {
    case 'throttled':
      return { status: 200, body: { status: 'throttled' as const, reason: result.reason } };
    case 'not-configured':
      throw Problems.unprocessable('feedback-not-configured', 'No feedback settings are saved yet: PUT /v1/feedback-settings first (it names the URL response links use)');
    case 'exists':
      throw new Error('a new request id collided with an existing request');
    case 'requested':
    case 'scheduled': {
      const { request } = result;
      return { status: 201, body: { requestId: request.requestId, status: result.kind, link: result.link, dueAt: request.dueAt, expiresAt: request.expiresAt as string } };
    }
  }
});
