// The DynamoDB guard on its own thread: every function's every DynamoDB call passes through it, and on the runtime's
// main thread (the gateway, the bus, the stream pollers) it would queue behind them. tsx loads its TypeScript here,
// as the runtime itself is loaded (Node 20 applies no --import preload to workers).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { createDynamoDbGuard } = await import('./dynamodb-guard.ts');
const options = workerData;
/** Capacity consumed per caller and per table, since start or the last reset (for `GET /_local/metrics`). */
let usage = { callers: {}, tables: {} };
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const server = createDynamoDbGuard({
  ...options,
  grants: new Map(options.grants.map(([caller, tables]) => [caller, new Map(tables)])),
  meter: options.meter ? ({ caller, operation, capacity }) => {
    const kind = WRITES.has(operation) ? 'writeUnits' : 'readUnits';
    for (const entry of capacity) {
      const units = entry.CapacityUnits ?? 0;
      const byCaller = (usage.callers[caller] ??= { writeUnits: 0, readUnits: 0, calls: 0 });
      byCaller[kind] += units;
      const table = (usage.tables[entry.TableName ?? '?'] ??= { writeUnits: 0, readUnits: 0, indexes: {} });
      table[kind] += units;
      for (const [index, consumed] of Object.entries(entry.GlobalSecondaryIndexes ?? {})) {
        table.indexes[index] = (table.indexes[index] ?? 0) + (consumed.CapacityUnits ?? 0);
      }
    }
    const byCaller = (usage.callers[caller] ??= { writeUnits: 0, readUnits: 0, calls: 0 });
    byCaller.calls += 1;
    // Per operation too, so a cost can be traced to the call that spends it.
    const byOperation = ((byCaller.operations ??= {})[operation] ??= { units: 0, calls: 0 });
    byOperation.units += capacity.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
    byOperation.calls += 1;
  } : undefined,
  // A refusal is the developer's cue that a declaration lacks a table: said on stderr like the runtime's own warnings.
  onDenied: ({ caller, operation, message }) =>
    process.stderr.write(`${JSON.stringify({ level: 'WARN', timestamp: new Date().toISOString(), service: 'local-runtime', component: 'dynamodb-guard', message: 'access denied', caller, operation, detail: message })}\n`),
});
server.listen(0, options.host, () => parentPort?.postMessage({ port: server.address().port }));
parentPort?.on('message', (message) => {
  if (message === 'stop') server.close(() => process.exit(0));
  if (message === 'usage') parentPort?.postMessage({ usage });
  if (message === 'reset') usage = { callers: {}, tables: {} };
});
