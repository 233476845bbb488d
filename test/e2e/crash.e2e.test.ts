import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * kill -9 of the runtime in the middle of ingestion, then a restart on the same data directory: every purchase
 * that was acknowledged (201) is still there and its PurchaseRecorded is delivered — nothing acknowledged is lost.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'loyalty-crash-'));
let runtime: RuntimeProcess | undefined;

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('delivers the event of every acknowledged purchase after kill -9 and a restart', async () => {
  runtime = await startRuntimeProcess({ dataDir });
  const { key } = JSON.parse(await runtime.cli('keys', 'create', '--store', 'crash-store', '--json')) as { key: string };
  const ports = runtime.ports;
  const first = runtime;

  const acknowledged: string[] = [];
  let stop = false;
  const writers = Array.from({ length: 4 }, async (_, writer) => {
    for (let index = 0; !stop; index++) {
      const orderId = `w${writer}-${index}`;
      try {
        const response = await api(first.url, 'POST', '/v1/purchases', {
          body: { orderId, customerId: `crash-${writer}`, amount: '1.00', currency: 'USD' },
          headers: { 'x-api-key': key },
        });
        if (response.status === 201) acknowledged.push(orderId);
      } catch {
        return; // the runtime is gone
      }
    }
  });
  await eventually(async () => (acknowledged.length >= 40 ? true : undefined), 30_000);
  await first.kill9();
  stop = true;
  await Promise.all(writers);
  expect(acknowledged.length).toBeGreaterThanOrEqual(40);

  runtime = await startRuntimeProcess({ dataDir, ports });
  const restarted = runtime;
  const delivered = await eventually(
    async () => {
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await api(restarted.url, 'GET', `/_local/events?detailType=PurchaseRecorded&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        for (const item of page.body.items as { event: { detail: { data: { orderId: string } } }; deliveries: { status: string }[] }[]) {
          if (item.deliveries.every((delivery) => delivery.status === 'delivered')) seen.add(item.event.detail.data.orderId);
        }
        cursor = page.body.nextCursor as string | undefined;
      } while (cursor);
      return acknowledged.every((orderId) => seen.has(orderId)) ? seen : undefined;
    },
    60_000,
  );
  expect(acknowledged.filter((orderId) => !delivered.has(orderId))).toEqual([]);

  // And the purchases themselves survived, counted once each by the consumer.
  for (let writer = 0; writer < 4; writer++) {
    const expected = acknowledged.filter((orderId) => orderId.startsWith(`w${writer}-`)).length;
    const activity = await eventually(async () => {
      const response = await api(restarted.url, 'GET', `/v1/customers/crash-${writer}/activity`, { headers: { 'x-api-key': key } });
      return (response.body.orderCount as number) >= expected ? response.body : undefined;
    }, 30_000);
    // A purchase written but not acknowledged (in flight at the kill) may also count; nothing counts twice.
    const stored = await api(restarted.url, 'GET', `/v1/customers/crash-${writer}/purchases?limit=100`, { headers: { 'x-api-key': key } });
    expect(activity.orderCount).toBe((stored.body.items as unknown[]).length);
  }
}, 240_000);
