import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { currentProgram } from './domain/catalog';
import { loyaltyRepository, SERVICE } from './loyalty.context';
import { getProgram as route } from './loyalty.routes';

loyaltyRepository();

export const handler = httpHandler({ service: SERVICE, route }, async () => {
  const program = await currentProgram(loyaltyRepository());
  if (!program) throw Problems.notFound('No loyalty program is configured yet: PUT /v1/program to create one');
  return { status: 200, body: program };
});
