import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { renderSurveyPage } from './domain/page';
import { openSurvey } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';
import { surveyPage as route } from './feedback.routes';

feedbackRepository();

/**
 * GET /s/{token}: the page a survey link opens, in the best language the settings have for the browser's
 * Accept-Language. An open survey shows the question and its form; an answered, expired or unknown link a short
 * message (200, 410, 404). Every answer is HTML, never problem+json: a person reads it.
 */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, event }) => {
  const result = await openSurvey(feedbackRepository(), params.token, now().toISOString());
  const acceptLanguage = event.headers?.['accept-language'];
  const page =
    result.kind === 'open'
      ? renderSurveyPage({ state: 'open', kind: result.request.kind, token: params.token, acceptLanguage, strings: result.settings?.strings ?? {} })
      : renderSurveyPage({ state: result.kind, acceptLanguage, strings: result.settings?.strings ?? {} });
  return { status: page.status, headers: page.headers, body: page.html };
});
