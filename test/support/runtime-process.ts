import { fileURLToPath } from 'node:url';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { promisify } from 'node:util';
import { freePort, portIsFree } from '../../infra/local/dynamodb-local';

/**
 * The local runtime as a user runs it: a separate process started the way `npm start` starts it, on free ports,
 * driven over HTTP and through the `loyalty` CLI.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

export interface RuntimeProcess {
  readonly url: string;
  readonly eventBridgeUrl: string;
  readonly ports: { api: number; dynamodb: number; eventbridge: number };
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  cli(...args: string[]): Promise<string>;
}

export async function startRuntimeProcess(
  options: {
    dataDir?: string;
    ports?: RuntimeProcess['ports'];
    welcome?: boolean;
    /** Its own process group (pgid = the child's pid), as a terminal or a supervisor starts it. */
    detached?: boolean;
    extraArgs?: string[];
    env?: Record<string, string>;
  } = {},
): Promise<RuntimeProcess> {
  const ports = options.ports ?? { api: await freePort(), dynamodb: await freePort(), eventbridge: await freePort() };
  const env = {
    ...process.env,
    PORT: String(ports.api),
    DYNAMODB_PORT: String(ports.dynamodb),
    EVENTBRIDGE_PORT: String(ports.eventbridge),
    LOCAL_RETRY_DELAY_MS: '100',
    // A DynamoDB Local that lives for one test file: quick to start, little CPU spent compiling (infra/local/dynamodb-local.ts).
    DYNAMODB_LOCAL_JAVA_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
    LOG_LEVEL: process.env.TEST_LOGS ? 'INFO' : 'WARN',
    LOCAL_LOG_LEVEL: process.env.TEST_LOGS ? 'INFO' : 'WARN',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  };
  delete (env as Record<string, string | undefined>).NODE_OPTIONS;
  const args = ['--import', 'tsx', 'infra/local/main.ts', ...(options.welcome ? [] : ['--quiet']), ...(options.dataDir ? ['--data-dir', options.dataDir] : ['--in-memory']), ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached === true });
  let output = '';
  // The tail a test reads: large enough that a stop's own lines survive the warnings of work failing around it.
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)));
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  const url = `http://127.0.0.1:${ports.api}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The runtime exited during start-up:\n${output}`);
    try {
      const response = await fetch(`${url}/v1/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The runtime did not answer /v1/health within 60 s:\n${output}`);
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }

  const waitForPortsFree = async () => {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      if ((await portIsFree('127.0.0.1', ports.dynamodb)) && (await portIsFree('127.0.0.1', ports.api))) return;
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
    }
    throw new Error('ports still in use after the runtime stopped (DynamoDB Local left behind?)');
  };

  return {
    url,
    eventBridgeUrl: `http://127.0.0.1:${ports.eventbridge}`,
    ports,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
      await waitForPortsFree();
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
      await waitForPortsFree();
    },
    async cli(...cliArgs: string[]) {
      const { stdout } = await run(process.execPath, ['bin/loyalty.js', ...cliArgs], { cwd: root, env });
      return stdout;
    },
  };
}

export async function api(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; text: string }> {
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  const response = await fetch(`${base}${path}`, {
    method,
    // The API's redirects (share links) point at merchants' sites: a test looks at them, never follows them.
    redirect: 'manual',
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(hasBody ? { body: options.rawBody ?? JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  // Pages (text/html: the survey page) are not JSON: their text is in `text`, and `body` is empty.
  const json = text !== '' && !(response.headers.get('content-type') ?? '').startsWith('text/');
  return { status: response.status, headers: response.headers, body: json ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
}
