import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, DynamoDBServiceException, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callerOf, createDynamoDbGuard, decideDynamoDbAccess, type TableAccess } from '../../infra/local/dynamodb-guard';

/**
 * The DynamoDB guard gives the local runtime AWS's least privilege: a function reaches only the tables its role
 * would grant, and is refused the rest with the AccessDeniedException AWS sends.
 */
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const suffix = randomUUID().slice(0, 8);
const tableA = `dynamodb-guard-a-${suffix}`;
const tableB = `dynamodb-guard-b-${suffix}`;
const denialOf = (caller: string, action: string, resource: string) =>
  `User: arn:aws:sts::${ACCOUNT}:assumed-role/${caller}/${caller} is not authorized to perform: ${action} on resource: arn:aws:dynamodb:${REGION}:${ACCOUNT}:${resource} because no identity-based policy allows the ${action} action`;

const grants = new Map<string, ReadonlyMap<string, TableAccess>>([
  ['fnReader', new Map([[tableA, 'read']])],
  ['fnWriter', new Map([[tableA, 'readWrite']])],
]);

const upstream = process.env.DYNAMODB_ENDPOINT as string;
const direct = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: upstream, region: REGION }));
const clients: DynamoDBClient[] = [];
let guard: Server;
let guardEndpoint: string;

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A client signing as `accessKeyId`, exactly as a function's SDK client would, pointed at the guard. */
const rawClientAs = (accessKeyId: string, endpoint = guardEndpoint) => {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: { accessKeyId, secretAccessKey: 'x' } });
  clients.push(client);
  return client;
};
const clientAs = (accessKeyId: string) => DynamoDBDocumentClient.from(rawClientAs(accessKeyId));

const failureOf = (promise: Promise<unknown>): Promise<DynamoDBServiceException> =>
  promise.then(
    () => {
      throw new Error('expected the request to be refused');
    },
    (error: unknown) => error as DynamoDBServiceException,
  );

const itemInDirect = async (table: string, pk: string) => (await direct.send(new GetCommand({ TableName: table, Key: { pk, sk: 'x' } }))).Item;

beforeAll(async () => {
  for (const [table, withIndex] of [
    [tableA, true],
    [tableB, false],
  ] as const) {
    await direct.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          ...(withIndex ? [{ AttributeName: 'owner', AttributeType: 'S' as const }] : []),
        ],
        ...(withIndex ? { GlobalSecondaryIndexes: [{ IndexName: 'byOwner', KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' as const }], Projection: { ProjectionType: 'ALL' as const } }] } : {}),
      }),
    );
  }
  await direct.send(new PutCommand({ TableName: tableA, Item: { pk: 'seed', sk: 'x', owner: 'alice' } }));
  await direct.send(new PutCommand({ TableName: tableB, Item: { pk: 'seed', sk: 'x' } }));
  guard = createDynamoDbGuard({ upstream, grants, region: REGION, account: ACCOUNT });
  guardEndpoint = await listen(guard);
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await close(guard);
  for (const table of [tableA, tableB]) await direct.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  direct.destroy();
});

describe('the DynamoDB guard in front of DynamoDB Local', () => {
  it('lets a reader get and query its table, on the table and its index', async () => {
    const reader = clientAs('fnReader');
    expect((await reader.send(new GetCommand({ TableName: tableA, Key: { pk: 'seed', sk: 'x' } }))).Item).toEqual({ pk: 'seed', sk: 'x', owner: 'alice' });
    const query = await reader.send(new QueryCommand({ TableName: tableA, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'seed' } }));
    expect(query.Items).toHaveLength(1);
    const byIndex = await reader.send(new QueryCommand({ TableName: tableA, IndexName: 'byOwner', KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': 'alice' } }));
    expect(byIndex.Items).toEqual([{ pk: 'seed', sk: 'x', owner: 'alice' }]);
    expect((await rawClientAs('fnReader').send(new DescribeTableCommand({ TableName: tableA }))).Table?.TableName).toBe(tableA);
  });

  it("refuses a reader's PutItem with AWS's AccessDeniedException, and writes nothing", async () => {
    const pk = `put-${randomUUID()}`;
    const error = await failureOf(clientAs('fnReader').send(new PutCommand({ TableName: tableA, Item: { pk, sk: 'x' } })));
    expect(error).toBeInstanceOf(DynamoDBServiceException);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(denialOf('fnReader', 'dynamodb:PutItem', `table/${tableA}`));
    expect(error.$fault).toBe('client');
    // A refusal is final: the SDK does not retry it.
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await itemInDirect(tableA, pk)).toBeUndefined();
  });

  it('refuses a table outside the grants', async () => {
    const error = await failureOf(clientAs('fnReader').send(new GetCommand({ TableName: tableB, Key: { pk: 'seed', sk: 'x' } })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(denialOf('fnReader', 'dynamodb:GetItem', `table/${tableB}`));
  });

  it('refuses a transaction touching one ungranted table as a whole: nothing is written anywhere', async () => {
    const pk = `tx-${randomUUID()}`;
    const error = await failureOf(
      clientAs('fnWriter').send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: tableA, Item: { pk, sk: 'x' } } }, { Put: { TableName: tableB, Item: { pk, sk: 'x' } } }],
        }),
      ),
    );
    expect(error.name).toBe('AccessDeniedException');
    // AWS authorises each transaction element as its underlying action.
    expect(error.message).toBe(denialOf('fnWriter', 'dynamodb:PutItem', `table/${tableB}`));
    expect(await itemInDirect(tableA, pk)).toBeUndefined();
    expect(await itemInDirect(tableB, pk)).toBeUndefined();
  });

  it("forwards a writer's BatchWriteItem and transaction on its own table", async () => {
    const keys = [`batch-${randomUUID()}`, `batch-${randomUUID()}`];
    const result = await clientAs('fnWriter').send(new BatchWriteCommand({ RequestItems: { [tableA]: keys.map((pk) => ({ PutRequest: { Item: { pk, sk: 'x' } } })) } }));
    expect(result.UnprocessedItems ?? {}).toEqual({});
    for (const pk of keys) expect(await itemInDirect(tableA, pk)).toEqual({ pk, sk: 'x' });
    const txKey = `tx-own-${randomUUID()}`;
    await clientAs('fnWriter').send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: tableA, Item: { pk: txKey, sk: 'x' } } }, { ConditionCheck: { TableName: tableA, Key: { pk: 'seed', sk: 'x' }, ConditionExpression: 'attribute_exists(pk)' } }],
      }),
    );
    expect(await itemInDirect(tableA, txKey)).toEqual({ pk: txKey, sk: 'x' });
  });

  it("passes DynamoDB Local's own errors back unchanged", async () => {
    const error = await failureOf(clientAs('fnWriter').send(new PutCommand({ TableName: tableA, Item: { pk: 'seed', sk: 'x' }, ConditionExpression: 'attribute_not_exists(pk)' })));
    expect(error.name).toBe('ConditionalCheckFailedException');
  });

  it('refuses an unknown caller everything, and an unsigned request', async () => {
    const error = await failureOf(clientAs('fnStranger').send(new GetCommand({ TableName: tableA, Key: { pk: 'seed', sk: 'x' } })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(denialOf('fnStranger', 'dynamodb:GetItem', `table/${tableA}`));
    await expect(rawClientAs('fnStranger').send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });

    const unsigned = await fetch(guardEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: JSON.stringify({ TableName: tableA, Key: { pk: { S: 'seed' }, sk: { S: 'x' } } }),
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', Message: 'Request is missing Authentication Token' });
  });

  it('lets any known caller list tables, and refuses table management to every caller', async () => {
    expect((await rawClientAs('fnReader').send(new ListTablesCommand({}))).TableNames).toEqual(expect.arrayContaining([tableA, tableB]));
    const created = `dynamodb-guard-c-${suffix}`;
    const error = await failureOf(
      rawClientAs('fnWriter').send(
        new CreateTableCommand({ TableName: created, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }),
      ),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(denialOf('fnWriter', 'dynamodb:CreateTable', `table/${created}`));
    await expect(direct.send(new DescribeTableCommand({ TableName: created }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(rawClientAs('fnWriter').send(new DeleteTableCommand({ TableName: tableA }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect((await direct.send(new DescribeTableCommand({ TableName: tableA }))).Table?.TableStatus).toBe('ACTIVE');
  });

  it('answers in the exact shape of an AWS denial on the wire', async () => {
    const answer = await fetch(guardEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.DeleteItem',
        authorization: 'AWS4-HMAC-SHA256 Credential=fnReader/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00',
      },
      body: JSON.stringify({ TableName: tableA, Key: { pk: { S: 'seed' }, sk: { S: 'x' } } }),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await answer.json()).toEqual({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: denialOf('fnReader', 'dynamodb:DeleteItem', `table/${tableA}`) });
    expect(await itemInDirect(tableA, 'seed')).toBeDefined();
  });

  it('refuses a body that is not JSON', async () => {
    const answer = await fetch(guardEndpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', authorization: 'AWS4-HMAC-SHA256 Credential=fnReader/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00' },
      body: '{"TableName": ',
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ __type: 'com.amazon.coral.validate#ValidationException' });
  });

  it('refuses a body over 16 MiB without forwarding it', async () => {
    const answer = await fetch(guardEndpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', authorization: 'AWS4-HMAC-SHA256 Credential=fnWriter/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00' },
      body: Buffer.alloc(16 * 1024 * 1024 + 1, 0x20),
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ __type: 'com.amazon.coral.validate#ValidationException' });
  });

  it('forwards an allowed request unchanged: method, path, headers (signature included) and body bytes', async () => {
    const seen: { method?: string | undefined; url?: string | undefined; headers?: IncomingHttpHeaders; body?: Buffer } = {};
    const recorder = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        Object.assign(seen, { method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'recorded' });
        response.end('{}');
      });
    });
    const recorderGuard = createDynamoDbGuard({ upstream: await listen(recorder), grants, region: REGION, account: ACCOUNT });
    const sent: { headers?: Record<string, string>; body?: Buffer } = {};
    try {
      const client = rawClientAs('fnReader', await listen(recorderGuard));
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { headers: Record<string, string>; body: string | Uint8Array };
          // Buffer.concat copies the bytes without calling the SDK body adapter's string methods.
          Object.assign(sent, { headers: { ...request.headers }, body: typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.concat([request.body]) });
          return next(args);
        },
        { step: 'deserialize', name: 'recordSignedRequest' },
      );
      const result = await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: tableA, Key: { pk: 'ünïcödé', sk: 'x' } }));
      expect(result.$metadata.requestId).toBe('recorded');
    } finally {
      await close(recorderGuard);
      await close(recorder);
    }
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/');
    expect(sent.body?.length).toBeGreaterThan(0);
    expect(seen.body?.equals(sent.body as Buffer)).toBe(true);
    for (const name of ['authorization', 'x-amz-date', 'x-amz-target', 'content-type', 'content-length', 'host']) {
      expect([name, seen.headers?.[name]]).toEqual([name, sent.headers?.[name]]);
    }
    expect(callerOf(seen.headers?.authorization)).toBe('fnReader');
  });

  it('refuses, when created, a caller DynamoDB Local could never accept', () => {
    expect(() => createDynamoDbGuard({ upstream, grants: new Map([['fn-reader', new Map()]]), region: REGION, account: ACCOUNT })).toThrow(/letters and digits only/);
  });
});

describe('decideDynamoDbAccess', () => {
  const readerGrants = new Map<string, TableAccess>([
    ['orders', 'read'],
    ['ledger', 'readWrite'],
  ]);
  const decideFor = (granted: ReadonlyMap<string, TableAccess> | undefined, target: string, body: unknown) =>
    decideDynamoDbAccess(target, body, granted, 'fn', 'eu-west-1', '111122223333');
  const decide = (target: string, body: unknown) => decideFor(readerGrants, target, body);
  const denied = (action: string, resource: string, because = `no identity-based policy allows the ${action} action`) => ({
    allowed: false,
    message: `User: arn:aws:sts::111122223333:assumed-role/fn/fn is not authorized to perform: ${action} on resource: arn:aws:dynamodb:eu-west-1:111122223333:${resource} because ${because}`,
  });

  it('allows reads of a read grant and refuses its writes', () => {
    expect(decide('DynamoDB_20120810.GetItem', { TableName: 'orders' })).toEqual({ allowed: true });
    expect(decide('Scan', { TableName: 'orders' })).toEqual({ allowed: true });
    expect(decide('DynamoDB_20120810.UpdateItem', { TableName: 'orders' })).toEqual(denied('dynamodb:UpdateItem', 'table/orders'));
    expect(decide('DynamoDB_20120810.DeleteItem', { TableName: 'ledger' })).toEqual({ allowed: true });
  });

  it('names the index a query was refused on, and reads table ARNs', () => {
    expect(decide('DynamoDB_20120810.Query', { TableName: 'other', IndexName: 'byCustomer' })).toEqual(denied('dynamodb:Query', 'table/other/index/byCustomer'));
    expect(decide('DynamoDB_20120810.PutItem', { TableName: 'arn:aws:dynamodb:eu-west-1:111122223333:table/ledger' })).toEqual({ allowed: true });
    expect(decide('DynamoDB_20120810.ListTagsOfResource', { ResourceArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders' })).toEqual({ allowed: true });
    expect(decide('DynamoDB_20120810.ListTagsOfResource', { ResourceArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/secret' })).toEqual(
      denied('dynamodb:ListTagsOfResource', 'table/secret'),
    );
  });

  it('checks every table of a batch', () => {
    expect(decide('DynamoDB_20120810.BatchGetItem', { RequestItems: { orders: {}, ledger: {} } })).toEqual({ allowed: true });
    expect(decide('DynamoDB_20120810.BatchGetItem', { RequestItems: { orders: {}, secret: {} } })).toEqual(denied('dynamodb:BatchGetItem', 'table/secret'));
    expect(decide('DynamoDB_20120810.BatchWriteItem', { RequestItems: { ledger: [], orders: [] } })).toEqual(denied('dynamodb:BatchWriteItem', 'table/orders'));
    expect(decide('DynamoDB_20120810.BatchWriteItem', { RequestItems: {} })).toEqual(denied('dynamodb:BatchWriteItem', 'table/*'));
  });

  it('authorises transaction elements as their underlying actions', () => {
    expect(decide('DynamoDB_20120810.TransactGetItems', { TransactItems: [{ Get: { TableName: 'orders' } }, { Get: { TableName: 'ledger' } }] })).toEqual({ allowed: true });
    expect(decide('DynamoDB_20120810.TransactGetItems', { TransactItems: [{ Get: { TableName: 'secret' } }] })).toEqual(denied('dynamodb:GetItem', 'table/secret'));
    const checkOrdersWriteLedger = { TransactItems: [{ ConditionCheck: { TableName: 'orders' } }, { Update: { TableName: 'ledger' } }] };
    expect(decide('DynamoDB_20120810.TransactWriteItems', checkOrdersWriteLedger)).toEqual({ allowed: true });
    expect(decide('DynamoDB_20120810.TransactWriteItems', { TransactItems: [{ Delete: { TableName: 'ledger' } }, { Update: { TableName: 'orders' } }] })).toEqual(
      denied('dynamodb:UpdateItem', 'table/orders'),
    );
    expect(decide('DynamoDB_20120810.TransactWriteItems', { TransactItems: [{ Unknown: { TableName: 'ledger' } }] })).toEqual(denied('dynamodb:TransactWriteItems', 'table/*'));
  });

  it('refuses PartiQL, table management, an unknown caller and a request without a table', () => {
    expect(decide('DynamoDB_20120810.ExecuteStatement', { Statement: 'SELECT * FROM "orders"' })).toMatchObject({
      allowed: false,
      message: expect.stringContaining('does not support PartiQL') as unknown,
    });
    expect(decide('DynamoDB_20120810.DeleteTable', { TableName: 'ledger' })).toEqual(denied('dynamodb:DeleteTable', 'table/ledger'));
    expect(decide('DynamoDB_20120810.UpdateTimeToLive', { TableName: 'ledger' })).toEqual(denied('dynamodb:UpdateTimeToLive', 'table/ledger'));
    expect(decideFor(undefined, 'DynamoDB_20120810.GetItem', { TableName: 'orders' })).toEqual(denied('dynamodb:GetItem', 'table/orders'));
    expect(decideFor(undefined, 'DynamoDB_20120810.ListTables', {})).toEqual(denied('dynamodb:ListTables', 'table/*'));
    expect(decideFor(new Map(), 'DynamoDB_20120810.ListTables', {})).toEqual({ allowed: true });
    expect(decide('DynamoDB_20120810.GetItem', {})).toEqual(denied('dynamodb:GetItem', 'table/*'));
    expect(decide('DynamoDB_20120810.GetItem', 'not an object')).toEqual(denied('dynamodb:GetItem', 'table/*'));
  });

  it('reads the caller from a SigV4 Authorization header', () => {
    expect(callerOf('AWS4-HMAC-SHA256 Credential=LOCALFNgetPurchase/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=ab')).toBe('LOCALFNgetPurchase');
    expect(callerOf('AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab')).toBeUndefined();
    expect(callerOf(undefined)).toBeUndefined();
    expect(callerOf('')).toBeUndefined();
  });
});

/** Issue 9.1: a metering guard prices transactional writes as DynamoDB bills them (DynamoDB Local does not). */
describe('the metering guard', () => {
  it('charges two units per KB of every item in a transaction, index units as reported', async () => {
    const usages: { caller: string; operation: string; capacity: readonly { CapacityUnits?: number; Table?: { CapacityUnits?: number } }[] }[] = [];
    const metering = createDynamoDbGuard({ upstream, grants, region: REGION, account: ACCOUNT, meter: (usage) => usages.push(usage) });
    const endpoint = await listen(metering);
    try {
      const client = DynamoDBDocumentClient.from(rawClientAs('fnWriter', endpoint));
      const pk = `meter-${randomUUID()}`;
      await client.send(new PutCommand({ TableName: tableA, Item: { pk: `${pk}-existing`, sk: 'x', payload: 'y'.repeat(1500) } }));
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableA, Item: { pk: `${pk}-1`, sk: 'x' } } },
            { Put: { TableName: tableA, Item: { pk: `${pk}-2`, sk: 'x' } } },
            { Put: { TableName: tableA, Item: { pk: `${pk}-3`, sk: 'x', payload: 'z'.repeat(1500) } } },
            // An update is billed by the larger of the item before and after it.
            { Update: { TableName: tableA, Key: { pk: `${pk}-existing`, sk: 'x' }, UpdateExpression: 'SET touched = :t', ExpressionAttributeValues: { ':t': true } } },
          ],
        }),
      );
      for (let attempt = 0; attempt < 50 && !usages.some((usage) => usage.operation === 'TransactWriteItems'); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
      const transaction = usages.find((usage) => usage.operation === 'TransactWriteItems');
      expect(transaction?.caller).toBe('fnWriter');
      // 2 + 2 + 4 (1.5 KB) + 4 (1.5 KB before and after).
      expect(transaction?.capacity[0]?.Table?.CapacityUnits).toBe(12);
    } finally {
      await close(metering);
    }
  });
});
