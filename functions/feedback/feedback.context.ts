import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { FeedbackRepository } from './feedback.repository';

export const SERVICE = 'feedback';
let repository: FeedbackRepository | undefined;

/** Cold-start wiring shared by the feedback handlers: configuration parsed once, one repository. */
export function feedbackRepository(): FeedbackRepository {
  if (!repository) {
    const config = loadConfig({ FEEDBACK_TABLE_NAME: nonEmpty });
    repository = new FeedbackRepository(dynamoDocumentClient(), config.FEEDBACK_TABLE_NAME);
  }
  return repository;
}

export { actorOf } from '../../shared/http/actor';
