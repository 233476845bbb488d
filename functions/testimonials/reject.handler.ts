import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { rejectTestimonial } from './domain/use-cases';
import { moderationAnswer } from './moderation';
import { actorOf, SERVICE, testimonialsRepository } from './testimonials.context';
import { rejectTestimonial as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, principal }) =>
  moderationAnswer(await rejectTestimonial(testimonialsRepository(), params.testimonialId, body.reason, actorOf(principal), now().toISOString()), params.testimonialId),
);
