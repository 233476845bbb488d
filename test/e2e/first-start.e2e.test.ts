import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * `npm start` on a fresh data directory prints the URL, a demo store's API key, a customer token and example curl
 * commands — and they work. A restart on the same directory shows the same store again.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'loyalty-first-start-'));
let runtime: RuntimeProcess | undefined;

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('prints working demo credentials and curl examples on first start', async () => {
  runtime = await startRuntimeProcess({ dataDir, welcome: true });
  const first = runtime;
  const output = await eventually(async () => (first.output().includes('Stop with Ctrl-C.') ? first.output() : undefined));
  expect(output).toContain(`Loyalty Loop is running at ${first.url}`);
  expect(output).toContain('A demo store was created');
  expect(output).toContain(`curl -s ${first.url}/v1/health`);
  // `npm start` brings the marketer console up too (built by npm install, or by the start when missing or stale).
  expect(output).toContain(`Marketer console: ${first.url}/console/`);
  const consolePage = await fetch(`${first.url}/console/`);
  expect(consolePage.status).toBe(200);
  expect(await consolePage.text()).toMatch(/<script type="module" src="\.\/assets\/console-[A-Z0-9]{8}\.js"><\/script>/);
  const key = /API key:\s+(\S+)/.exec(output)?.[1] as string;
  const token = /customer token:\s+(\S+)/.exec(output)?.[1] as string;
  const customer = /customer:\s+(\S+)/.exec(output)?.[1] as string;
  const purchase = await api(first.url, 'POST', '/v1/purchases', { body: { orderId: 'demo-1', customerId: customer, amount: '100.00', currency: 'USD' }, headers: { 'x-api-key': key } });
  expect(purchase.status).toBe(201);
  expect((await api(first.url, 'GET', `/v1/customers/${customer}/purchases`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

  await first.stop();
  runtime = await startRuntimeProcess({ dataDir, welcome: true, ports: first.ports });
  const second = runtime;
  const again = await eventually(async () => (second.output().includes('Stop with Ctrl-C.') ? second.output() : undefined));
  expect(again).toContain('Demo store (from .data/demo.json)');
  expect(/API key:\s+(\S+)/.exec(again)?.[1]).toBe(key);
  expect((await api(second.url, 'GET', '/v1/purchases/demo-1', { headers: { 'x-api-key': key } })).status).toBe(200);
});
