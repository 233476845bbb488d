import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { askManually } from './domain/use-cases';
import { SERVICE } from './testimonials.context';
import { askDeps } from './testimonials.deps';
import { createTestimonialRequests as route } from './testimonials.routes';

askDeps();

/** Each customer asked within the shared contact budget; one outcome per customer, in the order sent. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body }) => {
  const result = await askManually(askDeps(), body.customers, now().toISOString());
  if (result.kind === 'not-configured') throw Problems.conflict('not-configured', 'Save the testimonial settings first (PUT /v1/testimonial-settings): links need their base URL');
  return { status: 201, body: { requests: result.outcomes } };
});
