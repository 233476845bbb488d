import { execFileSync } from 'node:child_process';
import { api, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Issue 7.7, the local runtime's edges: stopping is bounded — SIGTERM or SIGINT to the whole process group, under
 * load or after DynamoDB Local died, ends every process within 10 s — paths are routed as sent, and the admin routes
 * refuse a non-loopback host.
 */
const STOP_BOUND_MS = 10_000;

function groupMembers(pgid: number): { pid: number; command: string }[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,pgid=,comm=']).toString().trim().split('\n');
  return lines
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group]) => Number(group) === pgid)
    .map(([pid, , command]) => ({ pid: Number(pid), command: command ?? '' }));
}

async function waitUntilGroupGone(pgid: number, boundMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < boundMs + 5_000) {
    if (groupMembers(pgid).length === 0) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Number.POSITIVE_INFINITY;
}

/** A bounded burst of requests in flight while the signal arrives (never awaited past the stop). */
function load(runtime: RuntimeProcess, key: string): Promise<unknown> {
  return Promise.allSettled(
    Array.from({ length: 60 }, (_, index) =>
      api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: `load-${index}`, customerId: `lc-${index % 5}`, amount: '10.00', currency: 'USD' }, headers: { 'x-api-key': key } }),
    ),
  );
}

const groups: number[] = [];
afterEach(() => {
  // Whatever a failed assertion left behind must not outlive the test (nor keep jest waiting).
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function started(): Promise<{ runtime: RuntimeProcess; pgid: number; key: string }> {
  const runtime = await startRuntimeProcess({ detached: true });
  const pgid = runtime.child.pid as number;
  groups.push(pgid);
  const key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'lifecycle', '--json')) as { key: string }).key;
  expect(groupMembers(pgid).some((member) => member.command === 'java')).toBe(true);
  return { runtime, pgid, key };
}

describe('stopping the local runtime', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('ends every process of the group within 10 s on %s to the group, under load', async (signal) => {
    const { runtime, pgid, key } = await started();
    const inFlight = load(runtime, key);
    await new Promise((resolve) => setTimeout(resolve, 150));
    process.kill(-pgid, signal);
    expect(await waitUntilGroupGone(pgid, STOP_BOUND_MS)).toBeLessThanOrEqual(STOP_BOUND_MS);
    await inFlight;
  }, 90_000);

  it('stops by itself, non-zero and loudly, when DynamoDB Local dies under it', async () => {
    const { runtime, pgid, key } = await started();
    const java = groupMembers(pgid).find((member) => member.command === 'java');
    const inFlight = load(runtime, key);
    process.kill(java?.pid as number, 'SIGKILL');
    expect(await waitUntilGroupGone(pgid, STOP_BOUND_MS)).toBeLessThanOrEqual(STOP_BOUND_MS);
    expect(runtime.child.exitCode).toBe(1);
    expect(runtime.output()).toContain('DynamoDB Local exited unexpectedly');
    await inFlight;
  }, 90_000);
});

describe('the local runtime at its edges', () => {
  let runtime: RuntimeProcess;
  beforeAll(async () => {
    runtime = await startRuntimeProcess();
  }, 90_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it.each(['//host/v1/health', '//v1/health', '/v1//health', '/%2F/v1/health'])('answers %s with 404 instead of normalizing it into /v1/health', async (path) => {
    const response = await fetch(`${runtime.url}${path}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('admin routes on a non-loopback host', () => {
  // The refusal comes before anything binds. (The opt-in path is unit-tested: tests never listen beyond loopback.)
  it('refuses to start on HOST=0.0.0.0 without the explicit flag, saying why', async () => {
    await expect(startRuntimeProcess({ env: { HOST: '0.0.0.0' } })).rejects.toThrow(/not a loopback address.*--allow-non-loopback-admin/s);
  }, 90_000);
});
