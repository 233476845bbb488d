import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaHost } from '../../infra/local/lambda-host';
import { LOCAL_FUNCTION_KEY_PREFIX } from '../../infra/local/event-bus-server';
import { localFunctionEnvironment, tableGrants } from '../../infra/local/runtime';
import { createDynamoDbGuard, decideDynamoDbAccess } from '../../infra/local/dynamodb-guard';
import { physicalTableName, topology } from '../../infra/topology';
import { TEST_STAGE } from '../support/dynamodb-local-lifecycle';

/**
 * Issue 8.6 — local–cloud parity of configuration and access: locally each function gets exactly its own environment
 * and its own credentials, and the table-access guard refuses what its IAM grants would refuse on AWS.
 */
const tokens = { issuer: 'http://127.0.0.1', audience: 'loyalty-loop', jwksUrl: 'http://127.0.0.1/.well-known/jwks.json' };
const table = (name: string) => physicalTableName(TEST_STAGE, name);
let guard: Server;
let guardEndpoint: string;

beforeAll(async () => {
  guard = createDynamoDbGuard({ upstream: process.env.DYNAMODB_ENDPOINT as string, grants: tableGrants(TEST_STAGE), region: 'us-east-1', account: '000000000000' });
  await new Promise<void>((resolve) => guard.listen(0, '127.0.0.1', resolve));
  guardEndpoint = `http://127.0.0.1:${(guard.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => guard.close(() => resolve()));
});

const clientAs = (functionName: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: guardEndpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: `${LOCAL_FUNCTION_KEY_PREFIX}${functionName}`, secretAccessKey: 'local' } }),
  );

describe("each function's environment", () => {
  it('holds the variables of its own tables only', () => {
    const env = localFunctionEnvironment('getPurchase', tokens, { dynamoDb: guardEndpoint, aws: 'http://127.0.0.1:1' });
    expect(env.PURCHASES_TABLE_NAME).toBe(physicalTableName('local', 'purchases'));
    for (const other of ['LOYALTY_TABLE_NAME', 'CUSTOMERS_TABLE_NAME', 'IDENTITY_TABLE_NAME', 'WEBHOOKS_TABLE_NAME', 'EVENT_BUS_NAME', 'JWKS_URL', 'EVENTBRIDGE_ENDPOINT']) {
      expect([other, env[other]]).toEqual([other, undefined]);
    }
    expect(env.AWS_ACCESS_KEY_ID).toBe(`${LOCAL_FUNCTION_KEY_PREFIX}getPurchase`);
  });

  it('gives the webhooks the tables of the facades they use, and the export function none', () => {
    const shopify = localFunctionEnvironment('shopifyWebhook', tokens, { dynamoDb: guardEndpoint, aws: 'x' });
    expect(Object.keys(shopify).filter((key) => key.endsWith('_TABLE_NAME')).sort()).toEqual(['CUSTOMERS_TABLE_NAME', 'IDENTITY_TABLE_NAME', 'PURCHASES_TABLE_NAME', 'WEBHOOKS_TABLE_NAME']);
    const exporter = localFunctionEnvironment(topology.privacyExportFunction, tokens, { dynamoDb: guardEndpoint, aws: 'x' });
    expect(Object.keys(exporter).filter((key) => key.endsWith('_TABLE_NAME'))).toEqual([]);
    expect(JSON.parse(exporter.PRIVACY_EXPORTERS ?? '{}')).toEqual(Object.fromEntries(topology.privacy.map((duty) => [duty.service, duty.export])));
  });
});

describe('the table-access guard', () => {
  it('lets a function read its declared table', async () => {
    await expect(clientAs('getPurchase').send(new GetCommand({ TableName: table('purchases'), Key: { pk: 'nothing', sk: 'here' } }))).resolves.toBeDefined();
  });

  it('refuses a table the function did not declare, like IAM', async () => {
    const error = await clientAs('getPurchase')
      .send(new GetCommand({ TableName: table('loyalty'), Key: { pk: 'x', sk: 'x' } }))
      .catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AccessDeniedException');
    expect((error as Error).message).toContain(`is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/${table('loyalty')}`);
  });

  it('refuses writes to a table granted read only, and changes nothing', async () => {
    const item = { pk: `guard-${Date.now()}`, sk: 'x' };
    await expect(clientAs('getPurchase').send(new PutCommand({ TableName: table('purchases'), Item: item }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const direct = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT }));
    expect((await direct.send(new GetCommand({ TableName: table('purchases'), Key: item }))).Item).toBeUndefined();
  });

  it('refuses a transaction that touches one undeclared table, writing nothing', async () => {
    const key = { pk: `guard-tx-${Date.now()}`, sk: 'x' };
    await expect(
      clientAs('recordPurchase').send(
        new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table('purchases'), Item: key } }, { Put: { TableName: table('loyalty'), Item: key } }] }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const direct = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT }));
    expect((await direct.send(new GetCommand({ TableName: table('purchases'), Key: key }))).Item).toBeUndefined();
  });

  it('refuses callers that are not functions, and table management', () => {
    const caller = `${LOCAL_FUNCTION_KEY_PREFIX}recordPurchase`;
    const grants = tableGrants(TEST_STAGE).get(caller);
    const decide = (operation: string, body: Record<string, unknown>) => decideDynamoDbAccess(operation, body, grants, caller, 'us-east-1', '000000000000');
    // A caller with no grants at all (not a function of the topology).
    expect(decideDynamoDbAccess('GetItem', { TableName: table('purchases') }, undefined, 'LOCALFNnobody', 'us-east-1', '000000000000').allowed).toBe(false);
    expect(decide('DeleteTable', { TableName: table('purchases') }).allowed).toBe(false);
    expect(decide('ExecuteStatement', { Statement: `SELECT * FROM "${table('purchases')}"` }).allowed).toBe(false);
    expect(decide('BatchWriteItem', { RequestItems: { [table('purchases')]: [] } }).allowed).toBe(true);
    const mixed = decide('BatchGetItem', { RequestItems: { [table('purchases')]: {}, [table('identity')]: {} } });
    expect(mixed.allowed).toBe(false);
    expect(mixed.allowed ? '' : mixed.message).toContain(`table/${table('identity')}`);
  });
});

describe('a function running in its execution environment', () => {
  const host = (entry: string) =>
    new LambdaHost(
      new Map([
        [
          'getPurchase',
          { name: 'getPurchase', entry, timeoutSeconds: 10, memoryMb: 256, environment: localFunctionEnvironment('getPurchase', tokens, { dynamoDb: guardEndpoint, aws: 'http://127.0.0.1:1' }) },
        ],
      ]),
      process.cwd(),
    );

  it('cannot read a table it did not declare, even by its physical name', async () => {
    const running = host('test/fixtures/functions/reads-foreign-table.handler.ts');
    try {
      expect(await running.invoke('getPurchase', { tableName: table('loyalty') })).toMatchObject({ outcome: 'refused', name: 'AccessDeniedException' });
      expect(await running.invoke('getPurchase', { tableName: table('purchases') })).toEqual({ outcome: 'read' });
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('fails its cold start when it reads a table variable it was never given', async () => {
    const running = host('test/fixtures/functions/reads-undeclared-variable.handler.ts');
    try {
      await expect(running.invoke('getPurchase', {})).rejects.toThrow(/Invalid configuration: LOYALTY_TABLE_NAME: is required/);
    } finally {
      await running.stop();
    }
  }, 30_000);
});
