import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { withdrawByCustomer } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { withdrawOwnTestimonial as route } from './testimonials.routes';
import { withdrawalView } from './testimonials.views';

testimonialsRepository();

/** The customer's own token (the authorizer checked {customerId} is theirs); withdrawing twice answers the same. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const result = await withdrawByCustomer(testimonialsRepository(), params.customerId, params.testimonialId, now().toISOString());
  if (result.kind === 'changed' || result.kind === 'unchanged') return { status: 200, body: withdrawalView(result.testimonial) };
  throw Problems.notFound(`No testimonial ${params.testimonialId} of this customer`);
});
