/**
 * The console's response headers, wherever it is served (the local runtime's static host; a CDN's response headers
 * policy can be built from the same values). The policy allows no inline script or style: the build writes one
 * module script and one stylesheet, both files. script-src also admits the API's origin, where the wall widget
 * (/w/loyalty-wall.js) the testimonials page previews comes from; connect-src admits the API and the sign-in issuer.
 */
export interface ConsolePolicyOrigins {
  /** The API's origin when it is not the console's own (on AWS); omitted locally. */
  readonly apiOrigin?: string;
  /** Where tokens come from, if another origin (Cognito's hosted domain). */
  readonly signInOrigin?: string;
}

export function consoleSecurityPolicy(origins: ConsolePolicyOrigins = {}): string {
  const api = origins.apiOrigin ? ` ${origins.apiOrigin}` : '';
  const signIn = origins.signInOrigin ? ` ${origins.signInOrigin}` : '';
  return [
    "default-src 'none'",
    `script-src 'self'${api}`,
    "style-src 'self'",
    // data: is the empty favicon (no request for /favicon.ico).
    "img-src 'self' data:",
    `connect-src 'self'${api}${signIn}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function consoleSecurityHeaders(origins: ConsolePolicyOrigins = {}): Record<string, string> {
  return {
    'content-security-policy': consoleSecurityPolicy(origins),
    'x-content-type-options': 'nosniff',
    // For browsers without frame-ancestors; the policy's frame-ancestors 'none' is the rule.
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}
