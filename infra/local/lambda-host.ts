import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildBundles, cachedBundles } from '../lambda-bundles';
import { errorFields, runtimeLog } from './log';

/** The messages between the host and a function's worker (infra/local/lambda-worker.mjs). */
interface WorkerSetup {
  readonly name: string;
  readonly bundle: string;
  readonly memoryMb: number;
}
type WorkerRequest = { readonly id: number; readonly event: unknown; readonly requestId: string; readonly deadline: number; readonly clockOffsetMs: number };
type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly id: number; readonly value: unknown; readonly heapBytes?: number }
  | { readonly kind: 'failure'; readonly id: number; readonly error: SerializedError; readonly heapBytes?: number };
interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/**
 * Runs the topology's functions on this machine as Lambda runs them: each function in its own execution environment
 * (a worker thread) with exactly its own environment variables — the ones the CDK app gives it, so a function that
 * reads a variable it was never given fails here as on AWS — its own module instances and SDK clients, and a heap
 * capped at its memory size. It runs the function's bundle, built at start with the CDK app's bundling settings
 * (infra/bundling.ts): the code that runs here is the code that deploys, and a function that does not build fails
 * the start. The environment starts on the first
 * invocation (the cold start); a timed-out invocation discards it, as Lambda resets a sandbox.
 *
 * Unlike Lambda, one environment serves a function's concurrent invocations (interleaved on its event loop): cheaper
 * on one machine, and the handlers keep no per-invocation state in module scope.
 */
export interface HostedFunction {
  readonly name: string;
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The function's whole environment (process.env inside its worker). */
  readonly environment: Readonly<Record<string, string>>;
}

export class FunctionTimeoutError extends Error {
  constructor(name: string, seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = `Sandbox.Timedout(${name})`;
  }
}

/** An error thrown by a handler, as Lambda reports it (errorType, errorMessage). */
export class FunctionError extends Error {
  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    if (serialized.stack) this.stack = serialized.stack;
  }
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

class ExecutionEnvironment {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private dead = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly declaration: HostedFunction,
    bundle: string,
    private readonly onExit: () => void,
    onLog: (bytes: number) => void,
    onHeap: (bytes: number) => void = () => undefined,
  ) {
    const setup: WorkerSetup = { name: declaration.name, bundle, memoryMb: declaration.memoryMb };
    const worker = new Worker(new URL('./lambda-worker.mjs', import.meta.url), {
      workerData: setup,
      env: { ...declaration.environment },
      // As on Lambda (NODE_OPTIONS=--enable-source-maps): stack traces point into the TypeScript sources.
      execArgv: ['--enable-source-maps'],
      resourceLimits: { maxOldGenerationSizeMb: declaration.memoryMb },
      name: declaration.name,
      // The function's logs pass through here to this process's output, counted (CloudWatch bills log bytes).
      stdout: true,
      stderr: true,
    });
    worker.stdout.on('data', (chunk: Buffer) => {
      onLog(chunk.length);
      process.stdout.write(chunk);
    });
    worker.stderr.on('data', (chunk: Buffer) => {
      onLog(chunk.length);
      process.stderr.write(chunk);
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'ready') return resolveReady();
        if (reply.heapBytes !== undefined) onHeap(reply.heapBytes);
        const pending = this.pending.get(reply.id);
        if (!pending) return;
        this.pending.delete(reply.id);
        if (reply.kind === 'result') pending.resolve(reply.value);
        else pending.reject(new FunctionError(reply.error));
      });
      worker.on('error', (error) => {
        // An import-time failure (Runtime.ImportModuleError / init error) or a crash: every caller learns it.
        runtimeLog('ERROR', 'lambda', 'execution environment failed', { function: declaration.name, ...errorFields(error) });
        rejectReady(error);
        this.fail(error);
      });
      worker.on('exit', () => {
        this.fail(new Error(`The execution environment of ${declaration.name} exited`));
        rejectReady(new Error(`The execution environment of ${declaration.name} exited during init`));
      });
    });
    // A failed start is reported to each caller through `ready`; no unhandled rejection here.
    this.ready.catch(() => undefined);
  }

  private readonly worker: Worker;

  get alive(): boolean {
    return !this.dead;
  }

  async invoke(event: unknown, requestId: string, deadline: number, clockOffsetMs: number): Promise<unknown> {
    await this.ready;
    if (this.dead) throw new Error(`The execution environment of ${this.declaration.name} is gone`);
    const id = this.nextId++;
    return new Promise((resolveResult, rejectResult) => {
      this.pending.set(id, { resolve: resolveResult, reject: rejectResult });
      this.worker.postMessage({ id, event, requestId, deadline, clockOffsetMs } satisfies WorkerRequest);
    });
  }

  async terminate(): Promise<void> {
    this.fail(new Error(`The execution environment of ${this.declaration.name} was stopped`));
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    if (!this.dead) {
      this.dead = true;
      this.onExit();
    }
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

interface UsageCounter {
  invocations: number;
  billedMs: number;
  logBytes: number;
  /** The largest V8 heap an execution environment of the function held after an invocation. */
  peakHeapMiB: number;
}

export class LambdaHost {
  private readonly environments = new Map<string, ExecutionEnvironment>();
  private bundles = new Map<string, string>();
  private readonly bundleDir = mkdtempSync(join(tmpdir(), 'loyalty-local-bundles-'));
  private counters = new Map<string, UsageCounter>();

  constructor(
    private readonly functions: ReadonlyMap<string, HostedFunction>,
    private readonly root: string,
    private readonly clockOffsetMs: () => number = () => 0,
  ) {}

  /** Builds every function's bundle, so a missing or broken function fails the start, loudly. */
  async buildAll(): Promise<void> {
    const missing = [...this.functions.values()].filter((fn) => !existsSync(resolve(this.root, fn.entry)));
    if (missing.length > 0) throw new Error(`Function modules not found: ${missing.map((fn) => `${fn.name} (${fn.entry})`).join(', ')}`);
    this.bundles = await cachedBundles(this.root, join(this.root, 'node_modules', '.cache', 'loyalty-local-bundles'), [...this.functions.values()]);
  }

  /**
   * Starts these functions' execution environments now rather than on first use: the ones the runtime itself invokes
   * in the background (stream, event and schedule targets, the authorizer). A burst of traffic then does not queue
   * behind several cold starts at once, and a function that fails its init fails the start.
   */
  async warm(names: readonly string[]): Promise<void> {
    await Promise.all(
      names.map((name) => {
        const declaration = this.functions.get(name);
        if (!declaration) throw new Error(`Function ${name} is not in the topology`);
        return this.environment(declaration, this.bundles.get(name) as string).ready;
      }),
    );
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  async invoke(name: string, event: unknown): Promise<unknown> {
    const declaration = this.functions.get(name);
    if (!declaration) throw new Error(`Function ${name} is not in the topology`);
    const environment = this.environment(declaration, await this.bundle(declaration));
    const requestId = randomUUID();
    const deadline = Date.now() + declaration.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Lambda stops a timed-out invocation by resetting its sandbox: the next invocation cold-starts.
        void environment.terminate();
        reject(new FunctionTimeoutError(name, declaration.timeoutSeconds));
      }, declaration.timeoutSeconds * 1000);
    });
    const started = performance.now();
    const counter = this.counter(name);
    try {
      return await Promise.race([environment.invoke(event, requestId, deadline, this.clockOffsetMs()), timeout]);
    } catch (error) {
      runtimeLog('WARN', 'lambda', 'invocation failed', { function: name, requestId, ...errorFields(error) });
      throw error;
    } finally {
      clearTimeout(timer);
      // Counted when it ends (so a settled count means its work is done); Lambda bills by the millisecond, rounded up.
      counter.invocations += 1;
      counter.billedMs += Math.ceil(performance.now() - started);
      runtimeLog('DEBUG', 'lambda', 'invocation finished', { function: name, requestId, durationMs: Math.round(performance.now() - started) });
    }
  }

  /** Invocations, billed milliseconds and log bytes per function since start or the last reset. */
  usage(): Record<string, UsageCounter & { memoryMb: number }> {
    return Object.fromEntries([...this.counters].map(([name, counter]) => [name, { ...counter, memoryMb: this.functions.get(name)?.memoryMb ?? 0 }]));
  }

  resetUsage(): void {
    this.counters = new Map();
  }

  private counter(name: string): UsageCounter {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = { invocations: 0, billedMs: 0, logBytes: 0, peakHeapMiB: 0 };
      this.counters.set(name, counter);
    }
    return counter;
  }

  async stop(): Promise<void> {
    const running = [...this.environments.values()];
    this.environments.clear();
    await Promise.all(running.map((environment) => environment.terminate()));
    rmSync(this.bundleDir, { recursive: true, force: true });
  }

  /** The function's bundle: built by buildAll, or on first use when only some functions are hosted (tests). */
  private async bundle(declaration: HostedFunction): Promise<string> {
    let bundle = this.bundles.get(declaration.name);
    if (!bundle) {
      const built = await buildBundles(this.root, this.bundleDir, [declaration]);
      bundle = built.get(declaration.name) as string;
      this.bundles.set(declaration.name, bundle);
    }
    return bundle;
  }

  private environment(declaration: HostedFunction, bundle: string): ExecutionEnvironment {
    let environment = this.environments.get(declaration.name);
    if (!environment || !environment.alive) {
      const created: ExecutionEnvironment = new ExecutionEnvironment(
        declaration,
        bundle,
        () => {
          if (this.environments.get(declaration.name) === created) this.environments.delete(declaration.name);
        },
        (bytes) => (this.counter(declaration.name).logBytes += bytes),
        (bytes) => {
          const counter = this.counter(declaration.name);
          counter.peakHeapMiB = Math.max(counter.peakHeapMiB, Math.round(bytes / 1024 / 1024));
        },
      );
      environment = created;
      this.environments.set(declaration.name, environment);
    }
    return environment;
  }
}
