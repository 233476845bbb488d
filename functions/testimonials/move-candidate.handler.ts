import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { moveCandidate } from './domain/use-cases';
import { caseStudyAnswer } from './case-study';
import { actorOf, SERVICE, testimonialsRepository } from './testimonials.context';
import { moveCandidate as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, principal }) => {
  const at = now().toISOString();
  const result = await moveCandidate(testimonialsRepository(), params.customerId, body.stage, actorOf(principal), at, body.note);
  return caseStudyAnswer(testimonialsRepository(), params.customerId, result, 200, at);
});
