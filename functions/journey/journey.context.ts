import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { JourneyRepository } from './journey.repository';

export const SERVICE = 'journey';
let repository: JourneyRepository | undefined;

/** Cold-start wiring shared by the journey handlers: configuration parsed once, one repository. */
export function journeyRepository(): JourneyRepository {
  if (!repository) {
    const config = loadConfig({ JOURNEY_TABLE_NAME: nonEmpty });
    repository = new JourneyRepository(dynamoDocumentClient(), config.JOURNEY_TABLE_NAME);
  }
  return repository;
}
