import { Problems } from '../../shared/http/problem';
import type { CaseStudyResult } from './domain/use-cases';
import type { TestimonialsRepository } from './testimonials.repository';
import { candidateView } from './testimonials.views';

/** The answer of a pipeline move or note: the candidate as it stands, with its notes. */
export async function caseStudyAnswer(repository: TestimonialsRepository, customerId: string, result: CaseStudyResult, status: 200 | 201, at: string) {
  switch (result.kind) {
    case 'invalid-transition':
      throw Problems.conflict('invalid-stage-move', `A case study at "${result.from}" cannot move to "${result.to}"; ${result.allowed.length > 0 ? `it can move to ${result.allowed.join(' or ')}` : 'that stage is final'}`);
    case 'not-a-candidate':
      throw Problems.notFound(`Customer ${customerId} is not a case-study candidate`);
    default: {
      const profile = await repository.getProfile(customerId);
      if (!profile) throw Problems.notFound(`Customer ${customerId} has no advocacy profile any more`);
      return { status, body: candidateView(profile, result.caseStudy, at, true) };
    }
  }
}
