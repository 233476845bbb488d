import { now } from '../../shared/clock';
import { fieldErrorsFromZod, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { csvResult, wantsCsv } from './analytics.csv';
import { cohortCsv } from './domain/analytics';
import { monthOf, monthsBetween } from './domain/journey';
import { cohorts } from './domain/use-cases';
import { journeyRepository, SERVICE } from './journey.context';
import { cohortsQuery, getCohorts as route } from './journey.routes';

journeyRepository();

/** Cohorts shown by default: the first-purchase months of the last two years. */
const DEFAULT_MONTHS = 24;

export const handler = httpHandler({ service: SERVICE, route }, async ({ query, event }) => {
  const parsed = cohortsQuery.safeParse(query);
  if (!parsed.success) throw Problems.validation(fieldErrorsFromZod(parsed.error, '/query'));
  const asOf = now().toISOString();
  const to = parsed.data.to ?? monthOf(asOf);
  const toDate = new Date(`${to}-01T00:00:00.000Z`);
  const from = parsed.data.from ?? new Date(Date.UTC(toDate.getUTCFullYear(), toDate.getUTCMonth() - (DEFAULT_MONTHS - 1), 1)).toISOString().slice(0, 7);
  if (monthsBetween(from, to) < 0) throw Problems.validation([{ pointer: '/query/to', detail: 'must be a month on or after from' }]);
  const report = await cohorts(journeyRepository(), from, to, asOf);
  return wantsCsv(event) ? csvResult(cohortCsv(report), `cohorts-${from}-${to}`) : { status: 200, body: report };
});
