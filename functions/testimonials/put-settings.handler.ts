import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { saveTestimonialSettings } from './domain/use-cases';
import { actorOf, SERVICE, testimonialsRepository } from './testimonials.context';
import { putTestimonialSettings as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const result = await saveTestimonialSettings(testimonialsRepository(), body, actorOf(principal), now().toISOString());
  if (result.kind === 'conflict') throw Problems.conflict('settings-conflict', 'The testimonial settings changed while saving; read them again and retry');
  return { status: 200, body: result.settings };
});
