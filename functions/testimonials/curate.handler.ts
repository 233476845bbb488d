import { httpHandler } from '../../shared/http/stack';
import { curateTestimonial } from './domain/use-cases';
import { moderationAnswer } from './moderation';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { curateTestimonial as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body }) =>
  moderationAnswer(
    await curateTestimonial(testimonialsRepository(), params.testimonialId, { ...(body.tags ? { tags: body.tags } : {}), ...(body.featured !== undefined ? { featured: body.featured } : {}), ...(body.sortOrder !== undefined ? { sortOrder: body.sortOrder } : {}) }),
    params.testimonialId,
  ),
);
