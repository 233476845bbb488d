import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { LoyaltyRepository } from './loyalty.repository';

export const SERVICE = 'loyalty';
let repository: LoyaltyRepository | undefined;

export function loyaltyRepository(): LoyaltyRepository {
  if (!repository) {
    const config = loadConfig({ LOYALTY_TABLE_NAME: nonEmpty });
    repository = new LoyaltyRepository(dynamoDocumentClient(), config.LOYALTY_TABLE_NAME);
  }
  return repository;
}

export { actorOf } from '../../shared/http/actor';
