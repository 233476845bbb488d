import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { regenerateLink } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { regenerateTestimonialRequest as route } from './testimonials.routes';
import { requestView } from './testimonials.views';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const at = now().toISOString();
  const result = await regenerateLink(testimonialsRepository(), params.requestId, at);
  switch (result.kind) {
    case 'changed':
      return { status: 200, body: { ...requestView(result.request, at), link: result.link as string } };
    case 'not-found':
      throw Problems.notFound(`No testimonial request ${params.requestId}`);
    case 'submitted':
      throw Problems.conflict('request-submitted', 'This link was used already; a used link is not regenerated');
    case 'revoked':
      throw Problems.conflict('request-revoked', 'This request was revoked; ask the customer again with a new request');
    case 'not-configured':
      throw Problems.conflict('not-configured', 'Save the testimonial settings first (PUT /v1/testimonial-settings)');
  }
});
