import { httpHandler } from '../../shared/http/stack';
import { csvResult, wantsCsv } from './analytics.csv';
import { winBackCsv } from './domain/winback';
import { winBack } from './domain/winback-use-cases';
import { journeyRepository, SERVICE } from './journey.context';
import { getWinBackReport as route } from './journey.routes';

journeyRepository();

/** From the win-back counter items (a Get per shard), never a Scan. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ event }) => {
  const report = await winBack(journeyRepository());
  return wantsCsv(event) ? csvResult(winBackCsv(report), 'win-back') : { status: 200, body: report };
});
