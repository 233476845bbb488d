import { claimContact } from '../feedback/contact-budget.facade';
import type { AskDeps } from './domain/use-cases';
import { testimonialsRepository } from './testimonials.context';

/**
 * What asking needs beyond this service's table: the feedback service's contact budget, through its facade. Only the
 * functions that declare that facade in `uses` import this module (they get its table variable and grant).
 */
export function askDeps(): AskDeps {
  return { store: testimonialsRepository(), contacts: { claimContact } };
}
