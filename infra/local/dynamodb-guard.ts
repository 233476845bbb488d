import { randomUUID } from 'node:crypto';
import { itemSize, transactionalWriteUnits, type WireValue } from './item-size';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';

/**
 * A least-privilege guard in front of DynamoDB Local.
 *
 * Why: on AWS every function's execution role grants read or read-write access to the tables it declared, and nothing
 * else. DynamoDB Local has no IAM, so on one machine a function that reads a table it never declared, or writes a table
 * it may only read, simply works — and then fails in the cloud. This proxy restores local–cloud parity of least
 * privilege: the functions' SDK clients point at it, it recognises each caller by the access key id it signs with
 * (`Credential=<AKID>/…` of the SigV4 Authorization header), checks the tables the request touches against that
 * caller's grants, and either forwards the request byte for byte to DynamoDB Local or answers the way DynamoDB answers
 * a role without the permission: HTTP 400 `AccessDeniedException`, "User: … is not authorized to perform: dynamodb:<Action>
 * on resource: arn:aws:dynamodb:…:table/<table> because no identity-based policy allows the dynamodb:<Action> action".
 * The AWS SDK surfaces that as an error whose `name` is `AccessDeniedException`, as in the cloud.
 *
 * The IAM actions checked are the ones AWS checks: the operation itself (dynamodb:GetItem, dynamodb:BatchWriteItem, …),
 * except inside transactions, where AWS authorises each element as its underlying action (a TransactWriteItems Put is
 * dynamodb:PutItem, a ConditionCheck is dynamodb:ConditionCheckItem, a TransactGetItems Get is dynamodb:GetItem).
 * `read` covers GetItem, Query, Scan, BatchGetItem, TransactGetItems, ConditionCheck, DescribeTable, DescribeTimeToLive,
 * DescribeContinuousBackups and ListTagsOfResource; `readWrite` adds PutItem, UpdateItem, DeleteItem and BatchWriteItem.
 * ListTables is allowed to every known caller (IAM grants it on `*`). A request must be fully allowed to be forwarded:
 * a transaction or batch that touches one table outside the grants is refused whole, so nothing is written.
 *
 * Limitations (this is a parity aid, not a security boundary — anyone can sign with any key id locally):
 * - signatures are not verified and requests are not re-signed; the caller is whatever key id the request claims;
 * - grants are per table: a table grant covers its indexes (as CDK's table grants do); conditions (LeadingKeys,
 *   Attributes, EnclosingOperation), resource-based policies and explicit denies are not modelled;
 * - PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) is refused: the guard does not parse statements
 *   to find their tables; table management (CreateTable, DeleteTable, UpdateTable, UpdateTimeToLive, tagging, backups,
 *   streams, …) is refused to every caller — functions never manage tables;
 * - only `DynamoDB_20120810.*` targets are served (not DynamoDB Streams), and only SigV4 Authorization headers (not
 *   presigned query strings) identify a caller;
 * - callers must be access key ids of letters and digits only (`LOCALFNgetPurchase`, not `fn-reader`): DynamoDB Local
 *   refuses any other key id with UnrecognizedClientException, so the guard refuses such grants when it is created.
 * Item contents are never logged or inspected beyond the table names and index names of the request.
 */
export type TableAccess = 'read' | 'readWrite';

export interface DynamoDbGuardOptions {
  /** DynamoDB Local's endpoint, e.g. http://127.0.0.1:8000 */
  readonly upstream: string;
  /** Grants per caller. The caller is the access key id of the SigV4 Authorization header (Credential=<AKID>/...). */
  readonly grants: ReadonlyMap<string, ReadonlyMap<string /* physical table name */, TableAccess>>;
  readonly region: string;
  readonly account: string;
  /** Told of every refusal (caller, operation and the message sent back — never item contents). Optional. */
  /**
   * Capacity metering (the bench's cost section): when set, every operation that can report it is sent with
   * `ReturnConsumedCapacity: INDEXES` (unless the caller asked for it already) and the consumed capacity DynamoDB Local
   * answers is reported here. Responses pass through unchanged (the SDK ignores the extra field).
   */
  readonly meter?: (usage: { readonly caller: string; readonly operation: string; readonly capacity: readonly ConsumedCapacity[] }) => void;
  readonly onDenied?: (denial: { readonly caller: string | undefined; readonly operation: string; readonly message: string }) => void;
}

/** DynamoDB's ConsumedCapacity, as much of it as metering reads. */
export interface ConsumedCapacity {
  readonly TableName?: string;
  readonly CapacityUnits?: number;
  readonly Table?: { readonly CapacityUnits?: number };
  readonly GlobalSecondaryIndexes?: Readonly<Record<string, { readonly CapacityUnits?: number }>>;
}

/** Operations that accept ReturnConsumedCapacity. */
const METERED = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems']);

export type DynamoDbAccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly message: string };

const TARGET_PREFIX = 'DynamoDB_20120810.';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
/** The access key ids DynamoDB Local accepts (it refuses others with UnrecognizedClientException). */
const ACCESS_KEY_ID = /^[A-Za-z0-9]+$/;

/** One permission a request needs: an IAM action on a table (or on `*` when no table could be found). */
interface Requirement {
  readonly action: string;
  readonly table: string | undefined;
  readonly index?: string | undefined;
  readonly access: TableAccess;
}

type Plan =
  | { readonly kind: 'tables'; readonly requirements: readonly Requirement[] }
  | { readonly kind: 'anyKnownCaller' }
  | { readonly kind: 'refused'; readonly action: string; readonly table: string | undefined; readonly reason?: string };

/** Operations on the one table named by `TableName`, and the access each needs. */
const SINGLE_TABLE: ReadonlyMap<string, TableAccess> = new Map<string, TableAccess>([
  ['GetItem', 'read'],
  ['Query', 'read'],
  ['Scan', 'read'],
  ['DescribeTable', 'read'],
  ['DescribeTimeToLive', 'read'],
  ['DescribeContinuousBackups', 'read'],
  ['PutItem', 'readWrite'],
  ['UpdateItem', 'readWrite'],
  ['DeleteItem', 'readWrite'],
]);

/** TransactWriteItems elements and the IAM action AWS authorises each as. */
const TRANSACT_WRITE_ELEMENTS: ReadonlyMap<string, { readonly action: string; readonly access: TableAccess }> = new Map([
  ['Put', { action: 'dynamodb:PutItem', access: 'readWrite' as const }],
  ['Update', { action: 'dynamodb:UpdateItem', access: 'readWrite' as const }],
  ['Delete', { action: 'dynamodb:DeleteItem', access: 'readWrite' as const }],
  ['ConditionCheck', { action: 'dynamodb:ConditionCheckItem', access: 'read' as const }],
]);

const PARTIQL = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/**
 * Decides whether `caller`, holding `grants` (undefined: an unknown caller, refused everything), may perform the
 * request. `target` is the `x-amz-target` header (`DynamoDB_20120810.GetItem`) or the bare operation name; `body` the
 * parsed JSON request. A refusal carries the exact AccessDeniedException message AWS would send.
 */
export function decideDynamoDbAccess(
  target: string,
  body: unknown,
  grants: ReadonlyMap<string, TableAccess> | undefined,
  caller: string,
  region: string,
  account: string,
): DynamoDbAccessDecision {
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
  const plan = planOf(operation, isRecord(body) ? body : {});
  const refuse = (action: string, table: string | undefined, index?: string, reason?: string): DynamoDbAccessDecision => ({
    allowed: false,
    message: accessDeniedMessage({ caller, region, account, action, table, index, reason }),
  });
  if (plan.kind === 'refused') return refuse(plan.action, plan.table, undefined, plan.reason);
  if (plan.kind === 'anyKnownCaller') return grants ? { allowed: true } : refuse(`dynamodb:${operation}`, undefined);
  if (plan.requirements.length === 0) return refuse(`dynamodb:${operation}`, undefined);
  for (const requirement of plan.requirements) {
    const granted = requirement.table === undefined ? undefined : grants?.get(requirement.table);
    if (!granted || (requirement.access === 'readWrite' && granted !== 'readWrite')) return refuse(requirement.action, requirement.table, requirement.index);
  }
  return { allowed: true };
}

/** The access key id of a SigV4 Authorization header (`AWS4-HMAC-SHA256 Credential=<AKID>/<date>/…`), if any. */
export function callerOf(authorizationHeader: string | undefined): string | undefined {
  if (!authorizationHeader) return undefined;
  return /(?:^|[\s,])Credential=([^/,\s]+)\//.exec(authorizationHeader)?.[1];
}

/** The guard as an HTTP server, not listening yet: `listen(port, host)` it and point the functions' clients at it. */
export function createDynamoDbGuard(options: DynamoDbGuardOptions): Server {
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:') throw new Error(`dynamodb guard: upstream must be an http:// endpoint (got ${options.upstream})`);
  for (const caller of options.grants.keys()) {
    // DynamoDB Local answers UnrecognizedClientException to any other key id, so such a caller could never get through.
    if (!ACCESS_KEY_ID.test(caller)) throw new Error(`dynamodb guard: caller ${JSON.stringify(caller)} is not a usable access key id — DynamoDB Local accepts letters and digits only`);
  }
  const agent = new Agent({ keepAlive: true });
  const server = createServer((request, response) => {
    handle(options, upstream, agent, request, response).catch((error: unknown) => {
      // Only reached on a bug or a broken connection; the message never contains request contents.
      if (!response.headersSent) {
        sendError(response, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', `dynamodb guard failed: ${error instanceof Error ? error.message : String(error)}`);
      } else {
        response.destroy();
      }
    });
  });
  server.on('close', () => agent.destroy());
  return server;
}

async function handle(options: DynamoDbGuardOptions, upstream: URL, agent: Agent, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    response.setHeader('connection', 'close');
    sendError(response, 413, 'com.amazon.coral.validate#ValidationException', `Request body exceeds the local guard's limit of ${MAX_BODY_BYTES} bytes`);
    response.on('finish', () => request.destroy());
    return;
  }

  const caller = callerOf(headerValue(request.headers.authorization));
  const target = headerValue(request.headers['x-amz-target']) ?? '';
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
  const denied = (status: number, type: string, message: string): void => {
    options.onDenied?.({ caller, operation, message });
    sendError(response, status, type, message);
  };

  // Authentication before authorisation, as on AWS: an unsigned request is not anybody's.
  if (caller === undefined) return denied(400, 'com.amazon.coral.service#MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX) || operation === '') {
    return denied(400, 'com.amazon.coral.service#UnknownOperationException', `The local DynamoDB guard serves POST DynamoDB_20120810.* requests only (got ${request.method ?? '?'} ${target || 'no x-amz-target'})`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return denied(400, 'com.amazon.coral.validate#ValidationException', `The request body of ${operation} is not valid JSON`);
  }
  if (!isRecord(parsed)) return denied(400, 'com.amazon.coral.validate#ValidationException', `The request body of ${operation} must be a JSON object`);

  const decision = decideDynamoDbAccess(target, parsed, options.grants.get(caller), caller, options.region, options.account);
  if (!decision.allowed) return denied(400, 'com.amazon.coral.service#AccessDeniedException', decision.message);

  const meter = options.meter;
  if (meter && operation === 'TransactWriteItems') return meterTransaction(meter, caller, upstream, agent, request, parsed, response);
  if (meter && METERED.has(operation)) {
    const metered = parsed.ReturnConsumedCapacity === undefined ? Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'INDEXES' })) : body;
    return forward(upstream, agent, request, metered, response, (answer) => {
      const capacity = (answer as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      if (capacity) meter({ caller, operation, capacity: Array.isArray(capacity) ? capacity : [capacity] });
    });
  }
  forward(upstream, agent, request, body, response);
}

function planOf(operation: string, body: Readonly<Record<string, unknown>>): Plan {
  const action = `dynamodb:${operation}`;
  const singleTableAccess = SINGLE_TABLE.get(operation);
  if (singleTableAccess) {
    const index = (operation === 'Query' || operation === 'Scan') && typeof body.IndexName === 'string' ? body.IndexName : undefined;
    return { kind: 'tables', requirements: [{ action, table: tableNameOf(body.TableName), index, access: singleTableAccess }] };
  }
  switch (operation) {
    case 'ListTables':
      return { kind: 'anyKnownCaller' };
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const access: TableAccess = operation === 'BatchGetItem' ? 'read' : 'readWrite';
      const tables = isRecord(body.RequestItems) ? Object.keys(body.RequestItems) : [];
      return { kind: 'tables', requirements: tables.map((table) => ({ action, table: tableNameOf(table), access })) };
    }
    case 'TransactGetItems':
      return {
        kind: 'tables',
        requirements: elementsOf(body.TransactItems).map((element) => ({
          action: 'dynamodb:GetItem',
          table: tableNameOf(isRecord(element.Get) ? element.Get.TableName : undefined),
          access: 'read' as const,
        })),
      };
    case 'TransactWriteItems':
      return {
        kind: 'tables',
        requirements: elementsOf(body.TransactItems).flatMap((element): Requirement[] => {
          const requirements = Object.entries(element).flatMap(([kind, value]): Requirement[] => {
            const known = TRANSACT_WRITE_ELEMENTS.get(kind);
            return known ? [{ action: known.action, table: tableNameOf(isRecord(value) ? value.TableName : undefined), access: known.access }] : [];
          });
          // An element naming no known action cannot be attributed to a table: refuse rather than guess.
          return requirements.length > 0 ? requirements : [{ action, table: undefined, access: 'readWrite' }];
        }),
      };
    case 'ListTagsOfResource':
      return { kind: 'tables', requirements: [{ action, table: tableNameOf(body.ResourceArn), access: 'read' }] };
    default:
      if (PARTIQL.has(operation)) {
        return { kind: 'refused', action, table: undefined, reason: 'the local DynamoDB guard does not support PartiQL (it cannot tell which tables a statement touches); use the item API' };
      }
      // Table management and everything else: functions never manage tables.
      return { kind: 'refused', action, table: tableNameOf(body.TableName ?? body.ResourceArn) };
  }
}

/** A table name, or the name inside a table ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>[/index/…]`). */
function tableNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (!value.startsWith('arn:')) return value;
  const match = /:table\/([^/]+)/.exec(value);
  return match?.[1];
}

function elementsOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map((element: unknown) => (isRecord(element) ? element : {})) : [];
}

function accessDeniedMessage(denial: {
  caller: string;
  region: string;
  account: string;
  action: string;
  table: string | undefined;
  index?: string | undefined;
  reason?: string | undefined;
}): string {
  const resource = `arn:aws:dynamodb:${denial.region}:${denial.account}:table/${denial.table ?? '*'}${denial.index ? `/index/${denial.index}` : ''}`;
  const because = denial.reason ?? `no identity-based policy allows the ${denial.action} action`;
  return `User: arn:aws:sts::${denial.account}:assumed-role/${denial.caller}/${denial.caller} is not authorized to perform: ${denial.action} on resource: ${resource} because ${because}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The whole request body, or undefined when it is larger than `limit` bytes. Reading then stops (the request is paused,
 * not destroyed, so an answer can still be sent on the connection before it is closed).
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stop();
        request.pause();
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** Connection-scoped headers (RFC 9110 §7.6.1): they describe one hop, so a proxy does not pass them on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

/**
 * A transactional write, metered as DynamoDB bills it: two write units per KB of every item (the larger of its size
 * before and after), whatever DynamoDB Local reports (it charges a multi-item transaction as if it were one item).
 * Index units are DynamoDB Local's. The sizes are read around the call, unmetered; metering only, never a guarantee.
 */
async function meterTransaction(
  meter: NonNullable<DynamoDbGuardOptions['meter']>,
  caller: string,
  upstream: URL,
  agent: Agent,
  request: IncomingMessage,
  parsed: Record<string, unknown>,
  response: ServerResponse,
): Promise<void> {
  const actions = elementsOf(parsed.TransactItems).flatMap((element) => {
    const [kind, action] = Object.entries(element)[0] ?? [];
    return kind && isRecord(action) && typeof action.TableName === 'string' ? [{ kind, table: action.TableName, action }] : [];
  });
  const keyOf = (entry: (typeof actions)[number]): Record<string, unknown> | undefined =>
    entry.kind === 'Put' ? keyFromItem(entry.action.Item) : isRecord(entry.action.Key) ? entry.action.Key : undefined;
  const sizeNow = (entry: (typeof actions)[number]) => {
    const key = keyOf(entry);
    return key ? storedItemSize(upstream, agent, request.headers, entry.table, key) : Promise.resolve(0);
  };
  const before = await Promise.all(actions.map(sizeNow));
  const body = Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'INDEXES' }));
  forward(upstream, agent, request, body, response, (answer) => {
    void (async () => {
      const after = await Promise.all(actions.map((entry) => (entry.kind === 'Update' ? sizeNow(entry) : Promise.resolve(0))));
      const reported = (answer as { ConsumedCapacity?: ConsumedCapacity[] }).ConsumedCapacity ?? [];
      const tables = new Map<string, number>();
      actions.forEach((entry, index) => {
        const put = entry.kind === 'Put' && isRecord(entry.action.Item) ? itemSize(entry.action.Item as Record<string, WireValue>) : 0;
        const bytes = Math.max(before[index] ?? 0, after[index] ?? 0, put);
        tables.set(entry.table, (tables.get(entry.table) ?? 0) + transactionalWriteUnits(bytes));
      });
      const capacity: ConsumedCapacity[] = [...tables].map(([table, units]) => {
        const indexes = reported.find((consumed) => consumed.TableName === table)?.GlobalSecondaryIndexes;
        const indexUnits = Object.values(indexes ?? {}).reduce((sum, consumed) => sum + (consumed.CapacityUnits ?? 0), 0);
        return { TableName: table, CapacityUnits: units + indexUnits, Table: { CapacityUnits: units }, ...(indexes ? { GlobalSecondaryIndexes: indexes } : {}) };
      });
      meter({ caller, operation: 'TransactWriteItems', capacity });
    })().catch(() => undefined);
  });
}

/** The key attributes of an item to be put (pk and sk: every table here is keyed so). */
function keyFromItem(item: unknown): Record<string, unknown> | undefined {
  if (!isRecord(item) || item.pk === undefined) return undefined;
  return { pk: item.pk, ...(item.sk === undefined ? {} : { sk: item.sk }) };
}

/** The stored size of an item (0 when absent), read from DynamoDB Local directly, unmetered. */
function storedItemSize(upstream: URL, agent: Agent, headers: IncomingHttpHeaders, table: string, key: Record<string, unknown>): Promise<number> {
  const body = Buffer.from(JSON.stringify({ TableName: table, Key: key, ConsistentRead: true }));
  return new Promise((resolveSize) => {
    const outgoing = httpRequest(
      {
        hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: upstream.port || 80,
        method: 'POST',
        path: '/',
        agent,
        headers: {
          'content-type': JSON_CONTENT_TYPE,
          'content-length': String(body.length),
          'x-amz-target': `${TARGET_PREFIX}GetItem`,
          authorization: headerValue(headers.authorization) ?? '',
          'x-amz-date': headerValue(headers['x-amz-date']) ?? '',
        },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Item?: Record<string, WireValue> };
            resolveSize(parsed.Item ? itemSize(parsed.Item) : 0);
          } catch {
            resolveSize(0);
          }
        });
      },
    );
    outgoing.on('error', () => resolveSize(0));
    outgoing.end(body);
  });
}

function forward(upstream: URL, agent: Agent, request: IncomingMessage, body: Buffer, response: ServerResponse, onAnswer?: (answer: unknown) => void): void {
  // Same method, path, headers (authorization, x-amz-date, host, … untouched) and body bytes; no re-signing.
  const headers = { ...endToEnd(request.headers), 'content-length': String(body.length) };
  const outgoing = httpRequest(
    {
      hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: upstream.port || 80,
      method: request.method,
      path: request.url,
      headers,
      agent,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      answer.on('error', () => response.destroy());
      if (onAnswer && answer.statusCode === 200) {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          try {
            onAnswer(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            // Metering never breaks a request.
          }
        });
      }
      answer.pipe(response);
    },
  );
  outgoing.on('error', (error) => {
    if (!response.headersSent) sendError(response, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', `DynamoDB Local did not answer: ${error.message}`);
    else response.destroy();
  });
  // The caller went away before the answer was complete: stop waiting for DynamoDB Local.
  response.on('close', () => {
    if (!response.writableFinished) outgoing.destroy();
  });
  outgoing.end(body);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  const payload = JSON.stringify({ __type: type, Message: message });
  response.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(payload);
}
