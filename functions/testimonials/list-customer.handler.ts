import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { listCustomerTestimonials as route } from './testimonials.routes';
import { requestView } from './testimonials.views';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const at = now().toISOString();
  const [testimonials, requests] = await Promise.all([testimonialsRepository().customerTestimonials(params.customerId), testimonialsRepository().customerRequests(params.customerId)]);
  return {
    status: 200,
    body: {
      testimonials: testimonials.map((testimonial) => ({
        testimonialId: testimonial.testimonialId,
        rating: testimonial.rating,
        text: testimonial.text,
        displayName: testimonial.displayName,
        consent: testimonial.consent,
        status: testimonial.status,
        submittedAt: testimonial.submittedAt,
        ...(testimonial.withdrawnAt ? { withdrawnAt: testimonial.withdrawnAt } : {}),
      })),
      requests: requests.map((request) => requestView(request, at)),
    },
  };
});
