import type { $ZodError } from 'zod/v4/core';

/**
 * RFC 9457 problem details. `type` is a stable URN per kind of problem (listed in the README);
 * `errors` names each field at fault by JSON pointer into the request body or a parameter.
 */
export interface FieldError {
  readonly pointer: string;
  readonly detail: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(slug: string): string {
  return `urn:loyalty-loop:problem:${slug}`;
}

/** Thrown by middleware and handlers; the HTTP stack turns it into a problem+json response. */
export class HttpProblem extends Error {
  readonly problem: ProblemDetails;
  readonly headers: Record<string, string>;

  constructor(problem: ProblemDetails, headers: Record<string, string> = {}) {
    super(problem.detail);
    this.name = 'HttpProblem';
    this.problem = problem;
    this.headers = headers;
  }
}

function problem(status: number, slug: string, title: string, detail: string, extra: Partial<ProblemDetails> = {}) {
  return new HttpProblem({ type: problemType(slug), title, status, detail, ...extra });
}

export const Problems = {
  validation: (errors: readonly FieldError[]) =>
    problem(400, 'validation-error', 'Your request is not valid', errors.map(describeFieldError).join('; '), { errors }),
  malformedJson: (detail: string) =>
    problem(400, 'malformed-json', 'The request body is not valid JSON', detail, { errors: [{ pointer: '', detail }] }),
  unauthorized: (detail = 'Credentials are missing or invalid') => problem(401, 'unauthorized', 'Unauthorized', detail),
  forbidden: (detail: string) => problem(403, 'forbidden', 'Forbidden', detail),
  notFound: (detail: string) => problem(404, 'not-found', 'Not found', detail),
  methodNotAllowed: (method: string, allowed: readonly string[]) =>
    new HttpProblem(
      {
        type: problemType('method-not-allowed'),
        title: 'Method not allowed',
        status: 405,
        detail: `${method} is not allowed here; use ${allowed.join(', ')}`,
      },
      { allow: allowed.join(', ') },
    ),
  conflict: (slug: string, detail: string, extra: Partial<ProblemDetails> = {}) =>
    problem(409, slug, 'Conflict', detail, extra),
  payloadTooLarge: (limitBytes: number) =>
    problem(413, 'payload-too-large', 'Request body too large', `The body must be at most ${limitBytes} bytes`),
  unsupportedMediaType: (received: string | undefined) =>
    problem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `Send the body as application/json${received ? ` (received ${received.slice(0, 100)})` : ' (no content-type was sent)'}`,
    ),
  unprocessable: (slug: string, detail: string, extra: Partial<ProblemDetails> = {}) =>
    problem(422, slug, 'Unprocessable request', detail, extra),
  gone: (slug: string, detail: string) => problem(410, slug, 'Gone', detail),
  unavailable: (slug: string, detail: string) => problem(503, slug, 'Service unavailable', detail),
  internal: () =>
    problem(500, 'internal-error', 'Internal error', 'Something went wrong on our side; the request changed nothing and can be retried'),
};

function describeFieldError(error: FieldError): string {
  const field = error.pointer === '' ? 'body' : error.pointer.slice(1).replaceAll('/', '.');
  return `${field}: ${error.detail}`;
}

export function fieldErrorsFromZod(error: Pick<$ZodError, 'issues'>, pointerPrefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = [...issue.path];
    let detail = issue.message;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ pointer: toPointer(pointerPrefix, [...path, key]), detail: 'is not a recognized field' }));
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) detail = 'is required';
    return { pointer: toPointer(pointerPrefix, path), detail };
  }).flat();
}

function toPointer(prefix: string, path: readonly PropertyKey[]): string {
  return prefix + path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
