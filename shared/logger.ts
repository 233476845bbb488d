import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs through Powertools. Log identifiers (store, order, customer ids, event ids),
 * never request bodies, emails, keys or tokens.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}

const EMAIL = /([^@\s]{1,2})[^@\s]*@([^\s]+)/g;

/** Masks an email for the rare log line that must mention one ("jo***@example.com"). */
export function maskEmail(value: string): string {
  return value.replace(EMAIL, (_match, head: string, domain: string) => `${head}***@${domain}`);
}

/** Masks emails inside URL path segments (customer ids may be emails), keeping the path readable. */
export function maskEmailsInPath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      const decoded = safeDecode(segment);
      return decoded.includes('@') ? maskEmail(decoded) : segment;
    })
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
