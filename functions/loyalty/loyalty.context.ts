import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { Problems } from '../../shared/http/problem';
import type { Principal } from '../../shared/http/principal';
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

/** Who did it, for the audit trail of marketer and customer actions. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'marketer':
      return principal.marketerId.startsWith('marketer:') ? principal.marketerId : `marketer:${principal.marketerId}`;
    case 'customer':
      return `customer:${principal.customerId}`;
    case 'storefront':
      return `storefront:${principal.storeId}`;
    default:
      throw Problems.unauthorized();
  }
}
