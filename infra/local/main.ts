import { fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseOrigins } from '../topology';
import { ensureConsoleBuilt } from '../../console/build';
import { startRuntime } from './runtime';
import { errorFields, runtimeLog } from './log';

/**
 * `npm start`: the whole system on this machine. Options: --in-memory (a throwaway run), --data-dir DIR
 * (default .data). Ports: PORT (API, 3000), DYNAMODB_PORT (8000), EVENTBRIDGE_PORT (4010); HOST (127.0.0.1).
 */
const { values } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: '.data' },
    quiet: { type: 'boolean', default: false },
    'allow-non-loopback-admin': { type: 'boolean', default: false },
    // Meter DynamoDB capacity, invocations, log bytes and events for GET /_local/metrics (npm run bench uses it).
    meter: { type: 'boolean', default: false },
  },
});

/** Stopping never takes longer than this, whatever is stuck (a dead DynamoDB Local, a handler mid-retry). */
const STOP_DEADLINE_MS = 8_000;

const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number (got ${process.env[name]})`);
  return value;
};

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  // npm install builds the console (the prepare script); a checkout that changed it since is rebuilt here, once.
  const consoleStarted = Date.now();
  if (await ensureConsoleBuilt()) runtimeLog('INFO', 'runtime', 'console built', { durationMs: Date.now() - consoleStarted });
  const runtime = await startRuntime({
    host: process.env.HOST ?? '127.0.0.1',
    port: port('PORT', 3000),
    dynamoDbPort: port('DYNAMODB_PORT', 8000),
    eventBridgePort: port('EVENTBRIDGE_PORT', 4010),
    dataDir: values['in-memory'] ? undefined : resolve(values['data-dir'] as string),
    retryBaseDelayMs: Number(process.env.LOCAL_RETRY_DELAY_MS ?? 1000),
    // Functions' own writes wake their table's poller at once (runtime.ts); the idle poll only catches writes made
    // outside a function (the CLI, a test's own client), so it can be slow — a faster one costs a core's third idling.
    streamPollMs: Number(process.env.LOCAL_STREAM_POLL_MS ?? 1000),
    root,
    seedDemo: true,
    corsOrigins: parseOrigins(process.env.CORS_ORIGINS),
    allowNonLoopbackAdmin: values['allow-non-loopback-admin'] === true,
    meter: values.meter === true,
  });

  if (!values.quiet) printWelcome(runtime.url, runtime.demo);

  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) {
      // A second Ctrl-C (or SIGTERM) means now.
      if (reason.startsWith('SIG')) {
        runtimeLog('WARN', 'runtime', 'second signal: exiting now', { signal: reason });
        process.exit(exitCode || 1);
      }
      return;
    }
    stopping = true;
    runtimeLog('INFO', 'runtime', 'stopping', { reason });
    // However the stop goes, the process ends: closing stdin's pipe also stops DynamoDB Local's watchdog.
    setTimeout(() => {
      runtimeLog('ERROR', 'runtime', `stopping took longer than ${STOP_DEADLINE_MS / 1000} s: exiting now`);
      process.exit(exitCode || 1);
    }, STOP_DEADLINE_MS).unref();
    await runtime.stop();
    // A failure's reason is also the last line: the in-flight work that failed while stopping logs after the first one.
    if (exitCode !== 0) runtimeLog('ERROR', 'runtime', `stopped: ${reason === 'dynamodb-local-exited' ? 'DynamoDB Local exited unexpectedly' : reason}`);
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  // Without DynamoDB Local nothing works: a runtime that lingers half-alive would only hide that.
  void runtime.dynamoDbExited.then(() => {
    // A signal to the whole process group reaches DynamoDB Local's watchdog too: give our own handler a moment.
    setTimeout(() => {
      if (stopping) return;
      runtimeLog('ERROR', 'runtime', 'DynamoDB Local exited unexpectedly: stopping the runtime');
      void shutdown('dynamodb-local-exited', 1);
    }, 250);
  });
}

function printWelcome(url: string, demo: Awaited<ReturnType<typeof startRuntime>>['demo']): void {
  const lines = [
    '',
    `Loyalty Loop is running at ${url}`,
    '',
  ];
  if (demo) {
    lines.push(
      demo.firstStart ? 'A demo store was created (the key is shown once and kept in .data/demo.json):' : 'Demo store (from .data/demo.json):',
      `  store:          ${demo.storeId}`,
      `  API key:        ${demo.apiKey}`,
      `  customer:       ${demo.customerId}`,
      `  customer token: ${demo.customerToken}`,
      '',
      'Try:',
      `  curl -s ${url}/v1/health`,
      `  curl -s -X POST ${url}/v1/purchases -H 'content-type: application/json' -H 'x-api-key: ${demo.apiKey}' \\`,
      `       -d '{"orderId":"order-1","customerId":"${demo.customerId}","amount":"100.00","currency":"USD"}'`,
      `  curl -s ${url}/v1/customers/${demo.customerId}/purchases -H 'authorization: Bearer ${demo.customerToken}'`,
      `  curl -s ${url}/_local/events`,
      '',
      `Marketer console: ${url}/console/ (sign in with any name: the local issuer mints a marketer token)`,
      '',
      'More keys and tokens: npx loyalty keys create --store <storeId>, npx loyalty token --customer <customerId>',
      'Stop with Ctrl-C.',
      '',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  runtimeLog('ERROR', 'runtime', 'failed to start', errorFields(error));
  process.exit(1);
});
