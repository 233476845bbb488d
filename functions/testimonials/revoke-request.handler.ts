import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { revokeRequest } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { revokeTestimonialRequest as route } from './testimonials.routes';
import { requestView } from './testimonials.views';

testimonialsRepository();

/** Revoking twice answers the revoked request again; a used link cannot be revoked (withdraw the testimonial instead). */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const at = now().toISOString();
  const result = await revokeRequest(testimonialsRepository(), params.requestId, at);
  switch (result.kind) {
    case 'changed':
      return { status: 200, body: requestView(result.request, at) };
    case 'not-found':
      throw Problems.notFound(`No testimonial request ${params.requestId}`);
    default:
      throw Problems.conflict('request-submitted', 'This link was used already; withdraw or reject the testimonial instead');
  }
});
