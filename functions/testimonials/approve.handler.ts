import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { approveTestimonial } from './domain/use-cases';
import { moderationAnswer } from './moderation';
import { actorOf, SERVICE, testimonialsRepository } from './testimonials.context';
import { approveTestimonial as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, principal }) =>
  moderationAnswer(await approveTestimonial(testimonialsRepository(), params.testimonialId, actorOf(principal), now().toISOString()), params.testimonialId),
);
