import { Problems } from './problem';
import type { Principal } from './principal';

/** Who did it, for audit trails and histories (`marketer:ana`, `customer:c-1`, `storefront:shop`). */
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
