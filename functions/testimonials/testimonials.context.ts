import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { TestimonialsRepository } from './testimonials.repository';

export const SERVICE = 'testimonials';
let repository: TestimonialsRepository | undefined;

/** Cold-start wiring shared by the testimonials handlers: configuration parsed once, one repository. */
export function testimonialsRepository(): TestimonialsRepository {
  if (!repository) {
    const config = loadConfig({ TESTIMONIALS_TABLE_NAME: nonEmpty });
    repository = new TestimonialsRepository(dynamoDocumentClient(), config.TESTIMONIALS_TABLE_NAME);
  }
  return repository;
}

export { actorOf } from '../../shared/http/actor';
