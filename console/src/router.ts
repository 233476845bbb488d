import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (#/customers/cust-42): any static host serves the one index.html for every page, with no rewrite
 * rules (S3 and CloudFront included), and reloading a page keeps it.
 */
export type Route =
  | { readonly page: 'dashboard' }
  | { readonly page: 'customers'; readonly customerId?: string }
  | { readonly page: 'program' }
  | { readonly page: 'referrals' }
  | { readonly page: 'testimonials' }
  | { readonly page: 'rewards' }
  | { readonly page: 'feedback' }
  | { readonly page: 'integrations' }
  | { readonly page: 'events' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  switch (parts[0]) {
    case 'customers':
      return parts[1] ? { page: 'customers', customerId: parts[1] } : { page: 'customers' };
    case 'program':
    case 'referrals':
    case 'testimonials':
    case 'rewards':
    case 'feedback':
    case 'integrations':
    case 'events':
      return { page: parts[0] };
    default:
      return { page: 'dashboard' };
  }
}

export function hrefOf(route: Route): string {
  if (route.page === 'dashboard') return '#/';
  if (route.page === 'customers' && route.customerId) return `#/customers/${encodeURIComponent(route.customerId)}`;
  return `#/${route.page}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}
