import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { PutEventsValidationError, type LocalEventBus, type PutEventsEntry } from './event-bus';
import { FunctionError, FunctionTimeoutError } from './lambda-host';
import { errorFields, runtimeLog } from './log';
import { BodyTooLargeError, readRequestBody } from './request-body';

/**
 * The AWS APIs functions call besides DynamoDB, on one local endpoint, so they use the real SDK clients exactly as on
 * AWS: EventBridge PutEvents (AWS JSON 1.1, EVENTBRIDGE_ENDPOINT) and Lambda Invoke (REST, LAMBDA_ENDPOINT).
 * Each function signs with its own access key id (`LOCALFN<function>`), and — like its IAM role on AWS — may only
 * publish if it is declared to, and invoke only the functions it declares.
 */
export interface LocalAwsApiOptions {
  readonly bus: LocalEventBus;
  readonly invoke: (functionName: string, payload: unknown) => Promise<unknown>;
  /** What a function may do; callers that are not functions (tools, tests) may publish and invoke nothing else. */
  readonly permissions: ReadonlyMap<string, { readonly publishesEvents: boolean; readonly invokes: readonly string[] }>;
  readonly region: string;
  readonly account: string;
  /** Told how many entries each PutEvents accepted (metering). */
  readonly onPublished?: (count: number) => void;
}

/** DynamoDB Local accepts only letters and digits in an access key id. */
export const LOCAL_FUNCTION_KEY_PREFIX = 'LOCALFN';

/** The access key id of a SigV4 Authorization header: `AWS4-HMAC-SHA256 Credential=<id>/<date>/…`. */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

export function createEventBridgeServer(options: LocalAwsApiOptions): Server {
  return createServer((request, response) => {
    void (async () => {
      const caller = accessKeyIdOf(request.headers.authorization);
      const functionCaller = caller?.startsWith(LOCAL_FUNCTION_KEY_PREFIX) ? caller.slice(LOCAL_FUNCTION_KEY_PREFIX.length) : undefined;
      const invocation = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/.exec(request.url ?? '');
      try {
        const body = await readRequestBody(request, 6 * 1024 * 1024);
        if (invocation?.[1]) return await invokeFunction(options, response, decodeURIComponent(invocation[1]), functionCaller, body);
        const target = request.headers['x-amz-target'];
        if (target !== 'AWSEvents.PutEvents') {
          return replyJson(response, 400, { __type: 'UnknownOperationException', message: `The local AWS endpoint supports PutEvents and Lambda Invoke only (got ${String(target)})` });
        }
        if (functionCaller !== undefined && !options.permissions.get(functionCaller)?.publishesEvents) {
          return replyJson(response, 400, {
            __type: 'AccessDeniedException',
            message: `User: ${roleArn(options, functionCaller)} is not authorized to perform: events:PutEvents because no identity-based policy allows the events:PutEvents action`,
          });
        }
        const input = JSON.parse(body.toString('utf8') || '{}') as { Entries?: PutEventsEntry[] };
        const result = await options.bus.putEvents(input.Entries ?? []);
        options.onPublished?.((input.Entries ?? []).length - (result.FailedEntryCount ?? 0));
        replyJson(response, 200, result);
      } catch (error) {
        if (error instanceof PutEventsValidationError || error instanceof BodyTooLargeError) return replyJson(response, 400, { __type: 'ValidationException', message: error.message });
        runtimeLog('ERROR', 'aws-api', 'request failed', errorFields(error));
        replyJson(response, 500, { __type: 'InternalException', message: 'Internal error' });
      }
    })();
  });
}

async function invokeFunction(options: LocalAwsApiOptions, response: ServerResponse, target: string, caller: string | undefined, body: Buffer): Promise<void> {
  const name = target.replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '');
  const arn = `arn:aws:lambda:${options.region}:${options.account}:function:${name}`;
  if (!caller || !options.permissions.get(caller)?.invokes.includes(name)) {
    response.setHeader('x-amzn-errortype', 'AccessDeniedException');
    return replyJson(response, 403, {
      Type: 'User',
      message: `User: ${roleArn(options, caller ?? 'anonymous')} is not authorized to perform: lambda:InvokeFunction on resource: ${arn} because no identity-based policy allows the lambda:InvokeFunction action`,
    });
  }
  if (!options.permissions.has(name)) {
    response.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
    return replyJson(response, 404, { Type: 'User', message: `Function not found: ${arn}` });
  }
  let payload: unknown;
  try {
    payload = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    response.setHeader('x-amzn-errortype', 'InvalidRequestContentException');
    return replyJson(response, 400, { Type: 'User', message: 'Could not parse request body into json' });
  }
  response.setHeader('x-amz-executed-version', '$LATEST');
  try {
    const result = await options.invoke(name, payload);
    replyJson(response, 200, result ?? null);
  } catch (error) {
    // Lambda answers 200 with X-Amz-Function-Error and the error as the payload.
    response.setHeader('x-amz-function-error', 'Unhandled');
    const errorType = error instanceof FunctionTimeoutError ? 'Sandbox.Timedout' : error instanceof FunctionError ? error.name : 'Runtime.Unknown';
    replyJson(response, 200, { errorType, errorMessage: error instanceof Error ? error.message : String(error) });
  }
}

function roleArn(options: LocalAwsApiOptions, caller: string): string {
  return `arn:aws:sts::${options.account}:assumed-role/${caller}/${caller}`;
}

function replyJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  if (!response.hasHeader('content-type')) response.setHeader('content-type', status === 200 && response.hasHeader('x-amz-executed-version') ? 'application/json' : 'application/x-amz-json-1.1');
  response.setHeader('x-amzn-requestid', randomUUID());
  response.end(JSON.stringify(body));
}
