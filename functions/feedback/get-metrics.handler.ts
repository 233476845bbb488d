import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { feedbackMetrics } from './domain/use-cases';
import { feedbackRepository, SERVICE } from './feedback.context';
import { getFeedbackMetrics as route, metricsQuery } from './feedback.routes';

feedbackRepository();

const MAX_DAYS = 366;

/** From the day counters the consumers keep (one Query over at most a year of days), never a Scan. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ query }) => {
  const parsed = metricsQuery.safeParse(query);
  if (!parsed.success) throw Problems.validation(fieldErrorsFromZod(parsed.error, '/query'));
  const { from, to, kind } = parsed.data;
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (!Number.isFinite(days) || days < 0) throw Problems.validation([{ pointer: '/query/to', detail: 'must be a valid date on or after from' }]);
  if (days >= MAX_DAYS) throw Problems.validation([{ pointer: '/query/to', detail: `the range may span at most ${MAX_DAYS} days` }]);
  return { status: 200, body: await feedbackMetrics(feedbackRepository(), { kind, from, to }) };
});
