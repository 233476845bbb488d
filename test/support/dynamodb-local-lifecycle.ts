import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freePort, startDynamoDbLocal, type RunningDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { ensureTables } from '../../infra/local/tables';
import { physicalTableName, topology } from '../../infra/topology';

/**
 * One DynamoDB Local (in memory) for the whole integration run, with every topology table created from its
 * declaration. Workers inherit the environment set here.
 */
export const TEST_STAGE = 'test';

declare global {
  var __DYNAMODB_LOCAL__: RunningDynamoDbLocal | undefined;
}

export async function setup(): Promise<void> {
  const port = await freePort();
  const running = await startDynamoDbLocal({ port });
  globalThis.__DYNAMODB_LOCAL__ = running;
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: running.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Handlers log every request; keep test output readable unless asked (TEST_LOGS=1).
    LOG_LEVEL: process.env.TEST_LOGS ? 'INFO' : 'SILENT',
  });
  for (const [table, declaration] of Object.entries(topology.tables)) process.env[declaration.envVar] = physicalTableName(TEST_STAGE, table);
  const client = new DynamoDBClient({ endpoint: running.endpoint });
  await ensureTables(
    client,
    Object.fromEntries(Object.entries(topology.tables).map(([table, declaration]) => [table, { physicalName: physicalTableName(TEST_STAGE, table), declaration }])),
  );
  client.destroy();
}

export async function teardown(): Promise<void> {
  await globalThis.__DYNAMODB_LOCAL__?.stop();
}
