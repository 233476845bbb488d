import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

/**
 * One function's execution environment in the local runtime: a worker thread with its own module instances,
 * SDK clients and environment (exactly the variables the CDK app gives this function), like a Lambda sandbox.
 * The module is imported once (the cold start); each invocation message gets a Lambda-shaped context.
 */
export interface WorkerSetup {
  readonly name: string;
  readonly entry: string;
  readonly root: string;
  readonly memoryMb: number;
}

export type WorkerRequest = { readonly id: number; readonly event: unknown; readonly requestId: string; readonly deadline: number; readonly clockOffsetMs: number };
export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'failure'; readonly id: number; readonly error: SerializedError };
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('lambda-worker runs only as a worker thread');

const module = (await import(pathToFileURL(resolve(setup.root, setup.entry)).href)) as { handler?: Handler };
const handler = module.handler;
if (typeof handler !== 'function') throw new Error(`${setup.entry} does not export a handler`);
port.postMessage({ kind: 'ready' } satisfies WorkerReply);

port.on('message', (request: WorkerRequest) => {
  // The local test clock moves while the runtime runs: each invocation carries the current offset.
  process.env.LOCAL_CLOCK_OFFSET_MS = String(request.clockOffsetMs);
  Promise.resolve()
    .then(() => handler(request.event, lambdaContext(setup, request.requestId, request.deadline)))
    .then(
      (value) => port.postMessage({ kind: 'result', id: request.id, value: value ?? null } satisfies WorkerReply),
      (error: unknown) => port.postMessage({ kind: 'failure', id: request.id, error: serializeError(error) } satisfies WorkerReply),
    );
});

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

function lambdaContext(declaration: WorkerSetup, requestId: string, deadline: number): Context {
  const functionName = `loyalty-loop-local-${declaration.name}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(declaration.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
