import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { saveProgram } from './domain/use-cases';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { putProgram as route } from './loyalty.routes';

loyaltyRepository();

/** Each change is a new version; awards record the version that computed them. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const result = await saveProgram(loyaltyRepository(), body, actorOf(principal), now().toISOString());
  if (result.kind === 'conflict') throw Problems.conflict('program-conflict', 'The program changed while saving; read it again and retry');
  return { status: 200, body: result.program };
});
