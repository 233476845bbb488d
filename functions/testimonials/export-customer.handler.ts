import { now } from '../../shared/clock';
import { privacyExporter } from '../../shared/privacy/exporter';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { candidateView, requestView, testimonialView } from './testimonials.views';

testimonialsRepository();

/** The testimonials part of a customer's export: requests (with any email), testimonials, the profile and the case study. */
export const handler = privacyExporter(SERVICE, async (customerId) => {
  const at = now().toISOString();
  const repository = testimonialsRepository();
  const [requests, testimonials, profile, caseStudy] = await Promise.all([repository.customerRequests(customerId), repository.customerTestimonials(customerId), repository.getProfile(customerId), repository.getCaseStudy(customerId)]);
  return {
    testimonials: {
      requests: requests.map((request) => ({ ...requestView(request, at), ...(request.email ? { email: request.email } : {}) })),
      testimonials: testimonials.map(testimonialView),
      ...(profile ? { caseStudyCandidate: candidateView(profile, caseStudy, at, true) } : {}),
    },
  };
});
