// One function's execution environment in the local runtime: a worker thread with its own module instances, SDK
// clients and environment (exactly the variables the CDK app gives the function), like a Lambda sandbox. It runs
// the function's bundle — built with the CDK app's own bundling settings — so what runs here is what deploys.
// The bundle is imported once (the cold start); each invocation message gets a Lambda-shaped context.
// Plain JavaScript on purpose: the worker loads no TypeScript toolchain, only the bundle.
import { pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ name: string; bundle: string; memoryMb: number }} */
const setup = workerData;
const port = parentPort;
if (!port) throw new Error('lambda-worker runs only as a worker thread');

const module = await import(pathToFileURL(setup.bundle).href);
const handler = module.handler;
if (typeof handler !== 'function') throw new Error(`${setup.name}'s bundle does not export a handler`);
port.postMessage({ kind: 'ready' });

port.on('message', (request) => {
  // The local test clock moves while the runtime runs: each invocation carries the current offset.
  process.env.LOCAL_CLOCK_OFFSET_MS = String(request.clockOffsetMs);
  Promise.resolve()
    .then(() => handler(request.event, lambdaContext(request.requestId, request.deadline)))
    .then(
      // With the heap this environment holds now: the bench sizes memory from the peak (Lambda's "Max Memory Used").
      (value) => port.postMessage({ kind: 'result', id: request.id, value: value ?? null, heapBytes: getHeapStatistics().total_heap_size }),
      (error) => port.postMessage({ kind: 'failure', id: request.id, error: serializeError(error), heapBytes: getHeapStatistics().total_heap_size }),
    );
});

function serializeError(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

function lambdaContext(requestId, deadline) {
  const functionName = `loyalty-loop-local-${setup.name}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(setup.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
