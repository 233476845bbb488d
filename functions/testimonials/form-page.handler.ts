import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { renderTestimonialForm } from './domain/form-page';
import { openLink } from './domain/use-cases';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { testimonialForm as route } from './testimonials.routes';

testimonialsRepository();

/** GET /t/{token}: the form an open link shows; a used, expired, revoked or unknown link a short message (HTML). */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, event }) => {
  const opened = await openLink(testimonialsRepository(), params.token, now().toISOString());
  const acceptLanguage = event.headers?.['accept-language'];
  const page = opened.kind === 'open' ? renderTestimonialForm({ state: 'open', token: params.token, acceptLanguage }) : renderTestimonialForm({ state: opened.kind, acceptLanguage });
  return { status: page.status, headers: page.headers, body: page.html };
});
