import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { accessKeyIdOf } from './event-bus-server';
import { runtimeLog } from './log';
import { BodyTooLargeError, readRequestBody } from './request-body';

/**
 * Least privilege, locally. DynamoDB Local has no IAM, so a function reading a table it never declared would work on
 * this machine and fail on AWS. The guard sits between the functions' SDK clients and DynamoDB Local: it knows each
 * function by the access key id it signs with (`LOCALFN<function>`) and refuses, with AWS's AccessDeniedException, any
 * operation its declared grants (read or readWrite, per table — exactly the CDK app's IAM policy) do not allow.
 * Allowed requests are forwarded unchanged. Item contents are never logged.
 *
 * Limitations: index-level grants are not modelled separately (a table grant covers its declared indexes, as the
 * CDK app grants them together); PartiQL is refused (no function uses it).
 */
export type TableAccess = 'read' | 'readWrite';

export interface TableAccessGuardOptions {
  /** DynamoDB Local's endpoint, e.g. http://127.0.0.1:8000 */
  readonly upstream: string;
  /** Per caller (access key id): physical table name → access. */
  readonly grants: ReadonlyMap<string, ReadonlyMap<string, TableAccess>>;
  readonly region: string;
  readonly account: string;
}

export type AccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly action: string; readonly table?: string };

const READ = new Set(['GetItem', 'Query', 'Scan', 'DescribeTable', 'DescribeTimeToLive', 'DescribeContinuousBackups']);
const WRITE = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

type Needs = { table: string; access: TableAccess }[];

/** The tables an operation touches and the access each needs; undefined for operations no function may call. */
export function tablesTouched(operation: string, body: Record<string, unknown>): Needs | undefined {
  const table = typeof body.TableName === 'string' ? body.TableName : undefined;
  if (READ.has(operation)) return table ? [{ table, access: 'read' }] : undefined;
  if (WRITE.has(operation)) return table ? [{ table, access: 'readWrite' }] : undefined;
  const requestItems = body.RequestItems && typeof body.RequestItems === 'object' ? Object.keys(body.RequestItems) : [];
  if (operation === 'BatchGetItem') return requestItems.map((name) => ({ table: name, access: 'read' as const }));
  if (operation === 'BatchWriteItem') return requestItems.map((name) => ({ table: name, access: 'readWrite' as const }));
  const transactItems = Array.isArray(body.TransactItems) ? (body.TransactItems as Record<string, { TableName?: unknown } | undefined>[]) : [];
  if (operation === 'TransactGetItems') return transactItems.map((item) => ({ table: String(item.Get?.TableName ?? ''), access: 'read' as const }));
  if (operation === 'TransactWriteItems') {
    return transactItems.flatMap((item) =>
      Object.entries(item).map(([kind, action]) => ({ table: String(action?.TableName ?? ''), access: kind === 'ConditionCheck' ? ('read' as const) : ('readWrite' as const) })),
    );
  }
  return undefined;
}

export function decideTableAccess(operation: string, body: Record<string, unknown>, grants: ReadonlyMap<string, TableAccess> | undefined): AccessDecision {
  const action = `dynamodb:${operation}`;
  if (!grants) return { allowed: false, action };
  // Listing table names reveals no data; IAM grants it on "*" to whoever asks for dynamodb:ListTables.
  if (operation === 'ListTables') return { allowed: true };
  const needs = tablesTouched(operation, body);
  if (!needs || needs.length === 0) return { allowed: false, action };
  for (const need of needs) {
    const granted = grants.get(need.table);
    if (!granted || (need.access === 'readWrite' && granted !== 'readWrite')) return { allowed: false, action, table: need.table };
  }
  return { allowed: true };
}

export function createTableAccessGuard(options: TableAccessGuardOptions): Server {
  const upstream = new URL(options.upstream);
  return createServer((incoming, response) => {
    void (async () => {
      let body: Buffer;
      try {
        body = await readRequestBody(incoming, 16 * 1024 * 1024);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return deny(response, 413, 'com.amazon.coral.validate#ValidationException', 'Request body too large');
        throw error;
      }
      const target = String(incoming.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('DynamoDB_20120810.') ? target.slice('DynamoDB_20120810.'.length) : target;
      const caller = accessKeyIdOf(incoming.headers.authorization);
      let parsed: Record<string, unknown>;
      try {
        const value: unknown = JSON.parse(body.toString('utf8') || '{}');
        parsed = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      } catch {
        return deny(response, 400, 'com.amazon.coral.service#SerializationException', 'Start of structure or map found where not expected.');
      }
      const decision = decideTableAccess(operation, parsed, caller ? options.grants.get(caller) : undefined);
      if (!decision.allowed) {
        const who = caller ?? 'anonymous';
        const resource = `arn:aws:dynamodb:${options.region}:${options.account}:table/${decision.table ?? '*'}`;
        runtimeLog('WARN', 'dynamodb-guard', 'access denied', { caller: who, action: decision.action, table: decision.table });
        return deny(
          response,
          400,
          'com.amazon.coral.service#AccessDeniedException',
          `User: arn:aws:sts::${options.account}:assumed-role/${who}/${who} is not authorized to perform: ${decision.action} on resource: ${resource} because no identity-based policy allows the ${decision.action} action`,
        );
      }
      forward(upstream, incoming, body, response);
    })().catch((error: unknown) => {
      runtimeLog('ERROR', 'dynamodb-guard', 'request failed', { errorMessage: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) deny(response, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error');
    });
  });
}

function forward(upstream: URL, incoming: IncomingMessage, body: Buffer, response: ServerResponse): void {
  const outgoing = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on('error', (error) => {
    runtimeLog('WARN', 'dynamodb-guard', 'DynamoDB Local did not answer', { errorMessage: error.message });
    if (!response.headersSent) deny(response, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'DynamoDB Local did not answer');
    else response.destroy();
  });
  outgoing.end(body);
}

function deny(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify({ __type: type, Message: message }));
}
