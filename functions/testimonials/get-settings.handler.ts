import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { getTestimonialSettings as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async () => {
  const settings = await testimonialsRepository().getSettings();
  if (!settings) throw Problems.notFound('No testimonial settings are saved yet: PUT /v1/testimonial-settings to create them');
  return { status: 200, body: settings };
});
