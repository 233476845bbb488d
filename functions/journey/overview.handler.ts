import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { csvResult, wantsCsv } from './analytics.csv';
import { overviewCsv } from './domain/analytics';
import { overview } from './domain/use-cases';
import { journeyRepository, SERVICE } from './journey.context';
import { getOverview as route } from './journey.routes';

journeyRepository();

/** From the totals' counter items and at most 90 activity days (a Get and a Query per shard), never a Scan. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ event }) => {
  const report = await overview(journeyRepository(), now().toISOString());
  return wantsCsv(event) ? csvResult(overviewCsv(report), 'overview') : { status: 200, body: report };
});
