import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { errorFields, runtimeLog } from './log';

/**
 * Runs the topology's functions in this process, as Lambda would run them: the module is loaded once (a cold
 * start, running its configuration parsing), then each invocation gets a Lambda-shaped context and the
 * declared timeout. Handlers are the very modules the CDK app bundles.
 */
export interface HostedFunction {
  readonly name: string;
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export class FunctionTimeoutError extends Error {
  constructor(name: string, seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = `Sandbox.Timedout(${name})`;
  }
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaHost {
  private readonly handlers = new Map<string, Promise<Handler>>();

  constructor(
    private readonly functions: ReadonlyMap<string, HostedFunction>,
    private readonly root: string,
  ) {}

  /** Loads every function up front so a broken module or configuration fails the start, loudly. */
  async loadAll(): Promise<void> {
    for (const name of this.functions.keys()) await this.handler(name);
  }

  async invoke(name: string, event: unknown): Promise<unknown> {
    const declaration = this.functions.get(name);
    if (!declaration) throw new Error(`Function ${name} is not in the topology`);
    const handler = await this.handler(name);
    const requestId = randomUUID();
    const deadline = Date.now() + declaration.timeoutSeconds * 1000;
    const context = lambdaContext(declaration, requestId, deadline);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(name, declaration.timeoutSeconds)), declaration.timeoutSeconds * 1000);
    });
    const started = performance.now();
    try {
      return await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout]);
    } catch (error) {
      runtimeLog('WARN', 'lambda', 'invocation failed', { function: name, requestId, ...errorFields(error) });
      throw error;
    } finally {
      clearTimeout(timer);
      runtimeLog('DEBUG', 'lambda', 'invocation finished', { function: name, requestId, durationMs: Math.round(performance.now() - started) });
    }
  }

  private handler(name: string): Promise<Handler> {
    let loaded = this.handlers.get(name);
    if (!loaded) {
      const declaration = this.functions.get(name);
      if (!declaration) throw new Error(`Function ${name} is not in the topology`);
      loaded = import(pathToFileURL(resolve(this.root, declaration.entry)).href).then((module: { handler?: Handler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${declaration.entry} does not export a handler`);
        return module.handler;
      });
      this.handlers.set(name, loaded);
    }
    return loaded;
  }
}

function lambdaContext(declaration: HostedFunction, requestId: string, deadline: number): Context {
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
