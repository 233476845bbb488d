import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { getTestimonial as route } from './testimonials.routes';
import { testimonialView } from './testimonials.views';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const testimonial = await testimonialsRepository().getTestimonial(params.testimonialId);
  if (!testimonial) throw Problems.notFound(`No testimonial ${params.testimonialId}`);
  return { status: 200, body: testimonialView(testimonial) };
});
