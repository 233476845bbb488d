import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { getTestimonialRequest as route } from './testimonials.routes';
import { requestView } from './testimonials.views';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const request = await testimonialsRepository().getRequest(params.requestId);
  if (!request) throw Problems.notFound(`No testimonial request ${params.requestId}`);
  return { status: 200, body: requestView(request, now().toISOString()) };
});
