import type { Access } from '../service/declarations';
import type { HttpProblem } from './problem';
import { Problems } from './problem';
import type { Principal } from './principal';

/**
 * Decides whether `principal` may call a route with `access`. Returns the problem to answer, or undefined.
 * A customer may act only on their own resources: a route's {customerId}, when it has one, must be theirs.
 */
export function accessProblem(
  access: readonly Access[],
  principal: Principal,
  pathParameters: Readonly<Record<string, string | undefined>>,
): HttpProblem | undefined {
  if (access.includes('public')) return undefined;
  switch (principal.kind) {
    case 'anonymous':
      return Problems.unauthorized(`Credentials are missing or invalid (${principal.reason})`);
    case 'storefront':
      return access.includes('storefront') ? undefined : Problems.forbidden('Storefront keys may not call this route');
    case 'marketer':
      return access.includes('marketer') ? undefined : Problems.forbidden('Marketers may not call this route');
    case 'customer': {
      if (!access.includes('customer')) return Problems.forbidden('Customers may not call this route');
      // On routes without {customerId} the customer acts as themselves (handlers scope by principal).
      const subject = pathParameters.customerId;
      if (subject !== undefined && subject !== principal.customerId) {
        return Problems.forbidden('Customers may only act on their own account');
      }
      return undefined;
    }
  }
}
