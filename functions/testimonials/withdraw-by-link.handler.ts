import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { withdrawByLink } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { withdrawByLink as route } from './testimonials.routes';
import { withdrawalView } from './testimonials.views';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ body }) => {
  const result = await withdrawByLink(testimonialsRepository(), body.token, now().toISOString());
  if (result.kind === 'changed' || result.kind === 'unchanged') return { status: 200, body: withdrawalView(result.testimonial) };
  throw Problems.notFound('This link names no testimonial to withdraw');
});
