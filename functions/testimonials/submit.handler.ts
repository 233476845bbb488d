import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { submitTestimonial } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { submitTestimonial as route } from './testimonials.routes';

testimonialsRepository();

/** Authenticated by the token alone (public route): one submission per link, pending until a marketer decides. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body }) => {
  const result = await submitTestimonial(testimonialsRepository(), body, now().toISOString());
  switch (result.kind) {
    case 'submitted':
      return { status: 201, body: { testimonialId: result.testimonial.testimonialId, status: 'pending' as const, consent: result.testimonial.consent, consentVersion: result.testimonial.consentVersion } };
    case 'not-found':
      throw Problems.notFound('This testimonial link is not valid');
    case 'used':
      throw Problems.gone('link-used', 'This link was used already: you sent your testimonial. Thank you!');
    case 'expired':
      throw Problems.gone('link-expired', 'This testimonial link has expired');
    case 'revoked':
      throw Problems.gone('link-revoked', 'This testimonial link is no longer valid');
    case 'unknown-consent-version':
      throw Problems.validation([{ pointer: '/consentVersion', detail: `is not a consent text we showed; the current one is ${result.current}` }]);
  }
});
