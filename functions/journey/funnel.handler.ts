import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { csvResult, wantsCsv } from './analytics.csv';
import { funnelCsv } from './domain/analytics';
import { funnel } from './domain/use-cases';
import { journeyRepository, SERVICE } from './journey.context';
import { funnelQuery, getFunnel as route } from './journey.routes';

journeyRepository();

const MAX_DAYS = 731;

/** From the funnel's day counters (one Query per counter shard over at most two years of days), never a Scan. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ query, event }) => {
  const parsed = funnelQuery.safeParse(query);
  if (!parsed.success) throw Problems.validation(fieldErrorsFromZod(parsed.error, '/query'));
  const { from, to } = parsed.data;
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (!Number.isFinite(days) || days < 0) throw Problems.validation([{ pointer: '/query/to', detail: 'must be a valid date on or after from' }]);
  if (days >= MAX_DAYS) throw Problems.validation([{ pointer: '/query/to', detail: `the range may span at most ${MAX_DAYS} days` }]);
  const report = await funnel(journeyRepository(), from, to);
  return wantsCsv(event) ? csvResult(funnelCsv(report), `funnel-${from}-${to}`) : { status: 200, body: report };
});
