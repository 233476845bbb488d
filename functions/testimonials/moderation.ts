import { Problems } from '../../shared/http/problem';
import type { ModerationResult } from './domain/use-cases';
import { testimonialView } from './testimonials.views';

/** The answer of a moderation or curation call: the testimonial as it stands, or why nothing changed. */
export function moderationAnswer(result: ModerationResult, testimonialId: string) {
  switch (result.kind) {
    case 'changed':
    case 'unchanged':
      return { status: 200, body: testimonialView(result.testimonial) };
    case 'not-found':
      throw Problems.notFound(`No testimonial ${testimonialId}`);
    case 'withdrawn':
      throw Problems.conflict('testimonial-withdrawn', 'The customer withdrew this testimonial; it can no longer be moderated or curated');
  }
}
