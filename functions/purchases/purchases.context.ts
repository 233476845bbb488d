import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { Problems } from '../../shared/http/problem';
import type { Principal } from '../../shared/http/principal';
import { PurchasesRepository } from './purchases.repository';

/** Cold-start wiring shared by the purchases handlers: configuration parsed once, one repository. */
export const SERVICE = 'purchases';

let repository: PurchasesRepository | undefined;

export function purchasesRepository(): PurchasesRepository {
  if (!repository) {
    const config = loadConfig({ PURCHASES_TABLE_NAME: nonEmpty });
    repository = new PurchasesRepository(dynamoDocumentClient(), config.PURCHASES_TABLE_NAME);
  }
  return repository;
}

/** Purchases are always scoped to the calling store: a store sees only its own orders. */
export function callingStoreId(principal: Principal): string {
  if (principal.kind !== 'storefront') throw Problems.forbidden('Only storefronts may call this route');
  return principal.storeId;
}
