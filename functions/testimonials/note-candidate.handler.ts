import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { noteCandidate } from './domain/use-cases';
import { caseStudyAnswer } from './case-study';
import { actorOf, SERVICE, testimonialsRepository } from './testimonials.context';
import { noteCandidate as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, principal }) => {
  const at = now().toISOString();
  const result = await noteCandidate(testimonialsRepository(), params.customerId, body.text, actorOf(principal), at);
  return caseStudyAnswer(testimonialsRepository(), params.customerId, result, 201, at);
});
