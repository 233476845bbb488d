import { requestUrl } from './request-target';
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functionEnvironment, invokedFunctionNames, tableEnvironment } from '../environment';
import { API_KEY_AUTHORIZER_CACHE_SECONDS, CORS, eventBusName, LOCAL_TOKEN_AUDIENCE, physicalTableName, topology, type FunctionName } from '../topology';
import { Worker } from 'node:worker_threads';
import type { DynamoDbGuardOptions } from './dynamodb-guard';
import { LocalAdmin } from './admin';
import { ConsoleHost, isConsolePath } from './console-host';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb-local';
import { LocalEventBus } from './event-bus';
import { createEventBridgeServer, LOCAL_FUNCTION_KEY_PREFIX } from './event-bus-server';
import { HttpGateway } from './http-gateway';
import { LocalIssuer } from './issuer';
import { Journal } from './journal';
import { LambdaHost, type HostedFunction } from './lambda-host';
import { errorFields, runtimeLog } from './log';
import { LocalScheduler } from './scheduler';
import { StreamPoller } from './stream-poller';
import { BodyTooLargeError, readRequestBody } from './request-body';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ensureTables } from './tables';
import { LocalClock } from './clock';
import { createDemoStore, seedDemoProgram, type DemoCredentials } from './demo';

/**
 * The local runtime: the whole topology on one machine — DynamoDB Local, the functions, the HTTP API, the
 * event bus, the stream relay's event source mappings and the schedules — all built from infra/topology.ts.
 */
export interface RuntimeOptions {
  readonly host: string;
  readonly port: number;
  readonly dynamoDbPort: number;
  readonly eventBridgePort: number;
  /** Where data lives; undefined runs everything in memory. */
  readonly dataDir?: string;
  readonly retryBaseDelayMs: number;
  readonly streamPollMs: number;
  readonly root: string;
  /** Create the demo store and print credentials on first start. */
  readonly seedDemo: boolean;
  /** Browser origins allowed by CORS (none: no CORS headers). */
  readonly corsOrigins: string[];
  /**
   * `/_local/*` mints marketer tokens and moves the clock: it is only for this machine. On a host that is not a
   * loopback address the runtime refuses to start unless this is set (and then warns loudly).
   */
  readonly allowNonLoopbackAdmin?: boolean;
  /**
   * Meter what the functions consume — DynamoDB capacity units per function and table, invocations, billed
   * milliseconds, log bytes, events published — for `GET /_local/metrics` (the bench's cost section). Off by default:
   * it asks DynamoDB Local for consumed capacity on every call.
   */
  readonly meter?: boolean;
}

export class UnsafeHostError extends Error {}

/**
 * Checked before anything starts: on a non-loopback host the runtime refuses (UnsafeHostError) unless allowed, and
 * then returns the warning to log.
 */
export function adminExposureWarning(host: string, allowed: boolean): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  if (!allowed) {
    throw new UnsafeHostError(
      `HOST=${host} is not a loopback address, and the local runtime's /_local/* routes mint marketer tokens for anyone who can reach them. ` +
        'Use HOST=127.0.0.1, or start with --allow-non-loopback-admin if this network is yours alone.',
    );
  }
  return `UNSAFE: /_local/* (token minting, test clock) is reachable on ${host}; anyone on this network can act as a marketer`;
}

/** 127.0.0.0/8, ::1 and localhost: the addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

export const LOCAL_STAGE = 'local';
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export interface RunningRuntime {
  readonly url: string;
  readonly eventBridgeEndpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly demo?: DemoCredentials & { firstStart: boolean };
  /** Settles if DynamoDB Local exits by itself (it was killed or crashed) while the runtime runs. */
  readonly dynamoDbExited: Promise<void>;
  stop(): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<RunningRuntime> {
  const started = Date.now();
  const warning = adminExposureWarning(options.host, options.allowNonLoopbackAdmin === true);
  if (warning) runtimeLog('WARN', 'runtime', warning, { host: options.host });
  const url = `http://${options.host}:${options.port}`;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });

  const dynamo: RunningDynamoDbLocal = await startDynamoDbLocal({
    port: options.dynamoDbPort,
    host: options.host,
    ...(options.dataDir ? { dbPath: ensureDir(join(options.dataDir, 'dynamodb')) } : {}),
  });
  const stoppers: (() => Promise<void> | void)[] = [() => dynamo.stop()];
  try {
    const eventBridgeEndpoint = `http://${options.host}:${options.eventBridgePort}`;
    const issuerUrl = url;
    const tokens = { issuer: issuerUrl, audience: LOCAL_TOKEN_AUDIENCE, jwksUrl: `${url}/.well-known/jwks.json` };
    configureProcessEnvironment(dynamo.endpoint);

    const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
    await ensureTables(
      client,
      Object.fromEntries(Object.entries(topology.tables).map(([table, declaration]) => [table, { physicalName: physicalTableName(LOCAL_STAGE, table), declaration }])),
    );
    // Functions reach DynamoDB Local through the guard, which refuses what their declarations do not grant, like IAM.
    const guard = await startDynamoDbGuard({
      upstream: dynamo.endpoint,
      grants: tableGrants(LOCAL_STAGE),
      region: REGION,
      account: ACCOUNT,
      host: options.host,
      meter: options.meter === true,
    });
    stoppers.push(() => guard.stop());
    const guardEndpoint = guard.endpoint;
    const journal = new Journal(client, `loyalty-loop-${LOCAL_STAGE}-runtime-journal`);
    await journal.ensureTable();
    const issuer = await LocalIssuer.load({ dataDir: options.dataDir, issuer: issuerUrl, audience: LOCAL_TOKEN_AUDIENCE });

    const functionEndpoints = { dynamoDb: guardEndpoint, aws: eventBridgeEndpoint };
    const functions = new Map<string, HostedFunction>(
      Object.values(topology.functions).map((declaration) => [
        declaration.name,
        {
          name: declaration.name,
          entry: declaration.entry,
          timeoutSeconds: declaration.timeoutSeconds,
          memoryMb: declaration.memoryMb,
          environment: localFunctionEnvironment(declaration.name, tokens, functionEndpoints),
        },
      ]),
    );
    const clock = new LocalClock(options.dataDir);
    const clockNow = () => clock.now();
    const host = new LambdaHost(functions, options.root, () => clock.offset);
    await host.buildAll();
    await host.warm([
      ...new Set([
        topology.apiKeyAuthorizerFunction,
        ...topology.streams.map((stream) => stream.function),
        ...topology.subscriptions.map((subscription) => subscription.function),
        ...topology.schedules.map((schedule) => schedule.function),
      ]),
    ]);
    stoppers.push(() => host.stop());
    // When a function that writes a streamed table finishes, that table's poller reads at once instead of waiting out
    // its poll interval (latency only: records are still read in order, one batch at a time).
    const pollers = new Map<string, StreamPoller[]>();
    const writesStreamed = new Map(
      Object.values(topology.functions).map((declaration) => [
        declaration.name,
        topology.streams.filter((stream) => declaration.tables[stream.table] === 'readWrite').map((stream) => stream.table),
      ]),
    );
    const invoke = async (name: string, event: unknown) => {
      try {
        return await host.invoke(name, event);
      } finally {
        for (const table of writesStreamed.get(name) ?? []) for (const poller of pollers.get(table) ?? []) poller.wake();
      }
    };

    const bus = new LocalEventBus(
      topology.subscriptions.map((subscription) => ({
        name: subscription.name,
        pattern: subscription.event.pattern,
        function: subscription.function,
        retryAttempts: subscription.retryAttempts,
        maxEventAgeSeconds: subscription.maxEventAgeSeconds,
      })),
      journal,
      invoke,
      { busName: eventBusName(LOCAL_STAGE), region: REGION, account: ACCOUNT, retryBaseDelayMs: options.retryBaseDelayMs, now: clockNow },
    );
    stoppers.push(() => bus.stop());

    let eventsPublished = 0;
    const permissions = new Map(
      Object.values(topology.functions).map((declaration) => [declaration.name, { publishesEvents: declaration.publishesEvents === true, invokes: declaration.invokes }]),
    );
    const eventBridgeServer = await listen(
      createEventBridgeServer({ bus, invoke, permissions, region: REGION, account: ACCOUNT, onPublished: (count) => (eventsPublished += count) }),
      options.host,
      options.eventBridgePort,
    );
    stoppers.push(() => closeServer(eventBridgeServer));

    const gateway = new HttpGateway({
      routes: topology.routes.map((route) => ({ method: route.method, path: route.path, function: route.function, access: route.access, openCors: route.openCors })),
      fallbackFunction: topology.fallbackFunction,
      authorizerFunction: topology.apiKeyAuthorizerFunction,
      apiKeyCacheSeconds: API_KEY_AUTHORIZER_CACHE_SECONDS,
      jwt: { issuer: issuerUrl, audience: LOCAL_TOKEN_AUDIENCE, jwks: () => issuer.jwks() },
      invoke,
      now: clockNow,
      integrationTimeoutMs: 30_000,
      ...(options.corsOrigins.length > 0 ? { cors: { ...CORS, origins: options.corsOrigins } } : {}),
    });
    const scheduler = new LocalScheduler(
      topology.schedules.map((schedule: { name: string; expression: string; function: string }) => schedule),
      invoke,
      journal,
      clockNow,
    );
    const metrics = {
      snapshot: async () => ({
        dynamodb: options.meter ? await guard.usage() : null,
        functions: host.usage(),
        eventsPublished,
      }),
      reset: () => {
        guard.reset();
        host.resetUsage();
        eventsPublished = 0;
      },
    };
    const admin = new LocalAdmin(journal, bus, issuer, scheduler, clock, metrics);
    // The marketer console's built files (npm start builds them when missing or stale; see infra/local/main.ts).
    const consoleHost = new ConsoleHost(join(options.root, 'console', 'dist'));
    // The API listens before the stream pollers, the scheduler, the bus's pending retries and the demo seed have
    // started, and answers 503 until they have: a 200 from /v1/health means the whole runtime is up, so a supervisor
    // (or a test) that waits for it never races the end of the start-up.
    let accepting = false;
    const apiServer = await listen(
      createServer((request, response) => (accepting ? void serveApi(gateway, admin, consoleHost, request, response) : answerStarting(response))),
      options.host,
      options.port,
    );
    stoppers.push(() => closeServer(apiServer));

    const streams = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint });
    for (const mapping of topology.streams) {
      const poller = new StreamPoller(
        {
          tableName: physicalTableName(LOCAL_STAGE, mapping.table),
          functionName: mapping.function,
          batchSize: mapping.batchSize,
          maxRetryAttempts: mapping.maxRetryAttempts,
          ...(mapping.filterPatterns ? { filterPatterns: mapping.filterPatterns } : {}),
        },
        client,
        streams,
        journal,
        invoke,
        { pollIntervalMs: options.streamPollMs, retryDelayMs: Math.max(200, options.retryBaseDelayMs), region: REGION },
      );
      pollers.set(mapping.table, [...(pollers.get(mapping.table) ?? []), poller]);
      poller.start();
      stoppers.push(() => poller.stop());
    }
    scheduler.start();
    stoppers.push(() => scheduler.stop());
    await bus.resumePending();

    let demo: RunningRuntime['demo'];
    if (options.seedDemo) {
      await seedDemoProgram(clockNow, url);
      demo = await seedDemo(options.dataDir, issuer, clockNow);
    }

    accepting = true;
    runtimeLog('INFO', 'runtime', 'local runtime started', {
      url,
      inMemory: options.dataDir === undefined,
      functions: functions.size,
      routes: topology.routes.length,
      rules: bus.ruleNames.length,
      schedules: scheduler.names.length,
      startupMs: Date.now() - started,
    });

    let stopping: Promise<void> | undefined;
    return {
      url,
      eventBridgeEndpoint,
      dynamoDbEndpoint: dynamo.endpoint,
      demo,
      dynamoDbExited: new Promise<void>((resolve) => {
        if (dynamo.process.exitCode !== null || dynamo.process.signalCode !== null) resolve();
        else dynamo.process.once('exit', () => resolve());
      }),
      stop: () => (stopping ??= stopAll(stoppers)),
    };
  } catch (error) {
    await stopAll(stoppers);
    throw error;
  }
}

async function stopAll(stoppers: (() => Promise<void> | void)[]): Promise<void> {
  for (const stop of [...stoppers].reverse()) {
    try {
      await stop();
    } catch (error) {
      runtimeLog('WARN', 'runtime', 'error while stopping', errorFields(error));
    }
  }
}

/**
 * The runtime's own AWS clients (journal, stream poller, demo seeding) use static local credentials and never
 * search for real ones. Functions do not inherit this: each gets exactly its own environment (below).
 */
function configureProcessEnvironment(dynamoEndpoint: string): void {
  Object.assign(process.env, { AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', DYNAMODB_ENDPOINT: dynamoEndpoint });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

/** Variables of this machine a function's process may need (tsx's cache, temp dirs, locale), nothing of the app. */
const HOST_VARIABLES = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] as const;

/**
 * A function's whole environment locally: what the CDK app gives it (its own variables, tables, invoked functions),
 * what Lambda sets (region, function name, memory, credentials — here an access key naming the function, which the
 * DynamoDB guard and the local AWS endpoint check its grants against), and the local endpoints.
 */
export function localFunctionEnvironment(
  name: FunctionName,
  tokens: { issuer: string; audience: string; jwksUrl: string },
  endpoints: { dynamoDb: string; aws: string },
): Record<string, string> {
  const host = Object.fromEntries(HOST_VARIABLES.flatMap((variable) => (process.env[variable] === undefined ? [] : [[variable, process.env[variable] as string]])));
  const invoked = invokedFunctionNames(name, (target) => target);
  const declaration = topology.functions[name];
  return {
    ...host,
    ...functionEnvironment(name, { stage: LOCAL_STAGE, tokens }),
    ...tableEnvironment(name, LOCAL_STAGE),
    ...(invoked ? { [invoked.variable]: invoked.value } : {}),
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(declaration?.memoryMb ?? 128),
    AWS_ACCESS_KEY_ID: `${LOCAL_FUNCTION_KEY_PREFIX}${name}`,
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: endpoints.dynamoDb,
    ...(declaration?.publishesEvents ? { EVENTBRIDGE_ENDPOINT: endpoints.aws } : {}),
    ...(invoked ? { LAMBDA_ENDPOINT: endpoints.aws } : {}),
    POWERTOOLS_METRICS_NAMESPACE: 'LoyaltyLoop',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO',
    // Every response is checked against its route contract (never on AWS).
    VALIDATE_RESPONSES: 'true',
    // Outbound webhooks may go to receivers on this machine (http://127.0.0.1:…), never on AWS.
    WEBHOOKS_ALLOW_LOOPBACK: 'true',
  };
}

/** Runs the DynamoDB guard (dynamodb-guard.ts) on its own thread and answers where it listens. */
export interface CapacityUsage {
  readonly callers: Record<string, { writeUnits: number; readUnits: number; calls: number; operations?: Record<string, { units: number; calls: number }> }>;
  readonly tables: Record<string, { writeUnits: number; readUnits: number; indexes: Record<string, number> }>;
}

async function startDynamoDbGuard(
  options: Omit<DynamoDbGuardOptions, 'meter'> & { host: string; meter: boolean },
): Promise<{ endpoint: string; stop(): Promise<void>; usage(): Promise<CapacityUsage>; reset(): void }> {
  const worker = new Worker(new URL('./dynamodb-guard-worker.mjs', import.meta.url), {
    workerData: { ...options, grants: [...options.grants].map(([caller, tables]) => [caller, [...tables]]) },
    name: 'dynamodb-guard',
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    worker.once('message', (message: { port: number }) => resolvePort(message.port));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The DynamoDB guard exited during start (${code})`)));
  });
  worker.on('error', (error) => runtimeLog('ERROR', 'dynamodb-guard', 'guard failed', errorFields(error)));
  return {
    endpoint: `http://${options.host}:${port}`,
    usage: () =>
      new Promise<CapacityUsage>((resolveUsage) => {
        const listener = (message: { usage?: CapacityUsage }) => {
          if (!message.usage) return;
          worker.off('message', listener);
          resolveUsage(message.usage);
        };
        worker.on('message', listener);
        worker.postMessage('usage');
      }),
    reset: () => worker.postMessage('reset'),
    stop: async () => {
      worker.postMessage('stop');
      await Promise.race([new Promise((resolveStop) => worker.once('exit', resolveStop)), new Promise((resolveStop) => setTimeout(resolveStop, 2000))]);
      await worker.terminate();
    },
  };
}

/** Per function (by its access key id), the physical tables it may use and how: exactly its IAM grants on AWS. */
export function tableGrants(stage: string): Map<string, Map<string, 'read' | 'readWrite'>> {
  return new Map(
    Object.values(topology.functions).map((declaration) => [
      `${LOCAL_FUNCTION_KEY_PREFIX}${declaration.name}`,
      new Map(Object.entries(declaration.tables).map(([table, access]) => [physicalTableName(stage, table), access])),
    ]),
  );
}

async function seedDemo(dataDir: string | undefined, issuer: LocalIssuer, now: () => Date): Promise<RunningRuntime['demo']> {
  const file = dataDir ? join(dataDir, 'demo.json') : undefined;
  if (file && existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
    const token = await issuer.mint({ customerId: stored.customerId }, 12 * 3600, now());
    return { ...stored, customerToken: token.token, firstStart: false };
  }
  const credentials = await createDemoStore(issuer, now);
  // The demo key is written in plain text on purpose, for local convenience only: the database holds its hash.
  if (file) writeFileSync(file, JSON.stringify({ ...credentials, customerToken: undefined }, null, 2), { mode: 0o600 });
  return { ...credentials, firstStart: true };
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return resolve(path);
}

function listen(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is in use; choose another with the environment variables in the README`) : error),
    );
    server.listen(port, host, () => resolvePromise(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.close(() => resolvePromise());
    server.closeAllConnections();
  });
}

function answerStarting(response: ServerResponse): void {
  response.statusCode = 503;
  response.setHeader('content-type', 'application/problem+json');
  response.setHeader('retry-after', '1');
  response.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The local runtime is still starting: retry in a moment.' }));
}

async function serveApi(gateway: HttpGateway, admin: LocalAdmin, consoleHost: ConsoleHost, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    let body: Buffer;
    try {
      body = await readRequestBody(request, 10 * 1024 * 1024);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      // API Gateway's own answer to a payload over 10 MB.
      response.statusCode = 413;
      response.setHeader('content-type', 'application/json');
      response.end('{"message":"Request Entity Too Large"}');
      return;
    }
    const path = requestUrl(request).pathname;
    if (path.startsWith('/_local/') || path === '/.well-known/jwks.json' || path === '/.well-known/openid-configuration') {
      await admin.handle(request, response, body);
      return;
    }
    if (isConsolePath(path)) {
      await consoleHost.handle(request, response);
      return;
    }
    await gateway.handle(request, response, body);
  } catch (error) {
    runtimeLog('ERROR', 'gateway', 'request failed', errorFields(error));
    if (!response.headersSent) {
      response.statusCode = 500;
      response.setHeader('content-type', 'application/json');
      response.end('{"message":"Internal Server Error"}');
    }
  }
}
