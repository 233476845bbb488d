import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { getCandidate as route } from './testimonials.routes';
import { candidateView } from './testimonials.views';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const [profile, caseStudy] = await Promise.all([testimonialsRepository().getProfile(params.customerId), testimonialsRepository().getCaseStudy(params.customerId)]);
  if (!profile) throw Problems.notFound(`No advocacy profile for customer ${params.customerId} yet (a promoter answer, a referral that paid off or an approved testimonial starts one)`);
  return { status: 200, body: candidateView(profile, caseStudy, now().toISOString(), true) };
});
