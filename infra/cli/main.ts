import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLoyaltyClient, LoyaltyApiError, unwrap, type LoyaltyClient, type operations } from '../../client/src/index';
import { issueApiKey } from '../../functions/identity/domain/api-keys';
import { IdentityRepository, WebhookSecrets } from '../../functions/identity/identity.repository';
import { IDENTIFIER_PATTERN } from '../../shared/domain/identifiers';
import { physicalTableName } from '../topology';
import { demoPopulation, inBatches, MAX_DEMO_CUSTOMERS, minorToDecimal, monthlySteps } from './demo-seed';
import { parseDuration } from './duration';

const USAGE = `loyalty — operate Loyalty Loop

Usage:
  loyalty version [--json]                           which release and stage of the API answers (GET /v1/version)
  loyalty balance --customer <id> [--token <jwt> | --api-key <key>] [--json]
                                                     a customer's points, tier and points expiring soon; locally
                                                     with a customer token minted like \`loyalty token\`
  loyalty keys create --store <storeId> [--json]     create a storefront API key (printed once)
  loyalty keys list --store <storeId> [--json]       list a store's keys (never the secrets)
  loyalty keys revoke <keyId>                        revoke a key (effective within the authorizer cache TTL, 5 min)
  loyalty stores set-secret --store <storeId> --platform shopify|stripe|woocommerce --secret <value>
                                                     the store's webhook signing secret (never shown again)
  loyalty token --customer <id> | --marketer <name> [--ttl 1h] [--json]
                                                     mint a token from the local issuer (local runtime only)
  loyalty events [--follow] [--detail-type <T>] [--limit N] [--json]
                                                     the local event journal, with each delivery's state
  loyalty dlq list [--json]                          dead letters of the local runtime
  loyalty dlq replay <id> | --all                    deliver dead-lettered events again
  loyalty schedule list                              the schedules of the local runtime
  loyalty schedule run <name>                        run a schedule now (e.g. loyalty-expire-points)
  loyalty clock show | advance <duration> | set <iso> | reset
                                                     the local test clock (durations: 90s 30m 1h 2d 3w 1y)
  loyalty demo seed [--customers 300] [--seed 1] [--store demo-seed] [--json]
                                                     a year of purchases for made-up customers, month by month on
                                                     the test clock (it ends a year ahead), then the churn review;
                                                     prints the journey overview (local runtime only)

Targets:
  By default the local runtime (npm start): API at http://127.0.0.1:$PORT (3000), DynamoDB Local at
  http://127.0.0.1:$DYNAMODB_PORT (8000).
  --stage <stage>  a deployed stage: keys commands use your AWS credentials and AWS_REGION on the
                   tables loyalty-loop-<stage>-*. (token, events and dlq exist only locally; see README.)
  --url <url>      the API's URL (the local runtime's by default; a deployed stage's ApiUrl for version and
                   balance, with --token or --api-key);  --dynamodb-endpoint <url>  a DynamoDB endpoint.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      platform: { type: 'string' },
      secret: { type: 'string' },
      json: { type: 'boolean', default: false },
      customer: { type: 'string' },
      marketer: { type: 'string' },
      token: { type: 'string' },
      'api-key': { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      follow: { type: 'boolean', default: false },
      'detail-type': { type: 'string' },
      limit: { type: 'string', default: '20' },
      all: { type: 'boolean', default: false },
      stage: { type: 'string', default: 'local' },
      url: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      customers: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, subcommand, argument] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  const stage = values.stage as string;
  const runtimeUrl = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

  switch (command) {
    case 'version': {
      const answer = await apiCall(runtimeUrl, (client) => client.GET('/v1/version'));
      if (values.json) print(answer);
      else process.stdout.write(`${answer.name} ${answer.version} (stage ${answer.stage}) at ${runtimeUrl}\n`);
      return;
    }
    case 'balance': {
      const customerId = values.customer;
      if (!customerId) throw new UsageError('balance needs --customer <customerId>');
      if (!IDENTIFIER_PATTERN.test(customerId)) throw new UsageError('--customer must be 1-128 characters: letters, digits and . _ : @ + -');
      if (values.token && values['api-key']) throw new UsageError('balance takes --token or --api-key, not both');
      let token = values.token;
      const apiKey = values['api-key'];
      if (!token && !apiKey) {
        localOnly(stage, 'balance without --token or --api-key', 'Pass a customer or marketer token from the user pool (--token) or a storefront key (--api-key).');
        token = ((await runtimeRequest(runtimeUrl, 'POST', '/_local/tokens', { customerId, ttlSeconds: 300 })) as { token: string }).token;
      }
      const balance = await apiCall(runtimeUrl, (client) => client.GET('/v1/customers/{customerId}/loyalty', { params: { path: { customerId } } }), { token, apiKey });
      if (values.json) print(balance);
      else process.stdout.write(formatBalance(balance));
      return;
    }
    case 'keys': {
      const repository = identityRepository(stage, values['dynamodb-endpoint']);
      if (subcommand === 'create') {
        const storeId = requireStore(values.store);
        const issued = issueApiKey();
        await withDynamo(stage, () =>
          repository.createApiKey({ keyId: issued.keyId, storeId, secretHash: issued.secretHash, status: 'active', createdAt: new Date().toISOString() }),
        );
        if (values.json) print({ keyId: issued.keyId, key: issued.key, storeId });
        else process.stdout.write(`Created key ${issued.keyId} for store ${storeId}.\nKey (shown only now; store it safely): ${issued.key}\n`);
        return;
      }
      if (subcommand === 'list') {
        const storeId = requireStore(values.store);
        const keys = await withDynamo(stage, () => repository.listApiKeys(storeId));
        const safe = keys.map(({ secretHash: _hidden, ...key }) => key);
        if (values.json) print(safe);
        else if (safe.length === 0) process.stdout.write(`Store ${storeId} has no keys.\n`);
        else for (const key of safe) process.stdout.write(`${key.keyId}  ${key.status.padEnd(7)}  created ${key.createdAt}${key.revokedAt ? `  revoked ${key.revokedAt}` : ''}\n`);
        return;
      }
      if (subcommand === 'revoke') {
        if (!argument) throw new UsageError('keys revoke needs a key id');
        const revoked = await withDynamo(stage, () => repository.revokeApiKey(argument, new Date().toISOString()));
        if (!revoked) throw new Error(`No key ${argument}`);
        process.stdout.write(`Revoked ${revoked.keyId} (store ${revoked.storeId}). Cached authorizations expire within 5 minutes.\n`);
        return;
      }
      throw new UsageError(`Unknown keys command ${subcommand ?? ''}`);
    }
    case 'stores': {
      if (subcommand !== 'set-secret') throw new UsageError(`Unknown stores command ${subcommand ?? ''}`);
      const storeId = requireStore(values.store);
      const platform = values.platform as string | undefined;
      if (platform !== 'shopify' && platform !== 'stripe' && platform !== 'woocommerce') throw new UsageError('--platform must be shopify, stripe or woocommerce');
      const secret = values.secret as string | undefined;
      if (!secret || secret.length < 8 || secret.length > 512) throw new UsageError('--secret must be 8 to 512 characters');
      const secrets = new WebhookSecrets(identityClient(stage, values['dynamodb-endpoint']), physicalTableName(stage, 'identity'));
      await withDynamo(stage, () => secrets.set(storeId, platform, secret, new Date().toISOString()));
      process.stdout.write(`Saved the ${platform} webhook secret of store ${storeId}. Point ${platform} at /v1/webhooks/${platform}/${storeId}.\n`);
      return;
    }
    case 'token': {
      localOnly(stage, 'token', 'On AWS, customers and marketers sign in with the Cognito user pool (see README, Identity).');
      if (Boolean(values.customer) === Boolean(values.marketer)) throw new UsageError('token needs exactly one of --customer or --marketer');
      const ttlSeconds = parseDuration(values.ttl as string);
      const body = values.customer ? { customerId: values.customer, ttlSeconds } : { marketer: values.marketer, ttlSeconds };
      const issued = (await runtimeRequest(runtimeUrl, 'POST', '/_local/tokens', body)) as { token: string; expiresAt: string };
      if (values.json) print(issued);
      else process.stdout.write(`${issued.token}\n`);
      return;
    }
    case 'events': {
      localOnly(stage, 'events', 'On AWS, the bus archive and the functions\' CloudWatch logs hold this history.');
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit must be 1 to 500');
      const query = new URLSearchParams({ limit: String(limit), ...(values['detail-type'] ? { detailType: values['detail-type'] } : {}) });
      const seen = new Set<string>();
      const show = async (first: boolean) => {
        const page = (await runtimeRequest(runtimeUrl, 'GET', `/_local/events?${query}`)) as { items: JournalItem[] };
        const fresh = page.items.filter((item) => !seen.has(item.event.id)).reverse();
        for (const item of fresh) {
          seen.add(item.event.id);
          if (values.json) process.stdout.write(`${JSON.stringify(item)}\n`);
          else process.stdout.write(`${formatJournalItem(item)}\n`);
        }
        if (first && fresh.length === 0 && !values.follow) process.stdout.write('No events yet.\n');
      };
      await show(true);
      while (values.follow) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await show(false);
      }
      return;
    }
    case 'dlq': {
      localOnly(stage, 'dlq', 'On AWS, dead letters are in the SQS queues named loyalty-loop-<stage>-*-dlq (see README, Operating).');
      if (subcommand === 'list') {
        const result = (await runtimeRequest(runtimeUrl, 'GET', '/_local/dlq')) as { items: DeadLetterItem[] };
        if (values.json) print(result.items);
        else if (result.items.length === 0) process.stdout.write('No dead letters.\n');
        else for (const letter of result.items) process.stdout.write(`${letter.id}  ${letter.kind}  ${letter.source} → ${letter.function}  attempts ${letter.attempts}${letter.replayedAt ? `  replayed ${letter.replayedAt}` : ''}\n    ${letter.error}\n`);
        return;
      }
      if (subcommand === 'replay') {
        if (!values.all && !argument) throw new UsageError('dlq replay needs an id or --all');
        const path = values.all ? '/_local/dlq/replay' : `/_local/dlq/${encodeURIComponent(argument as string)}/replay`;
        const result = (await runtimeRequest(runtimeUrl, 'POST', path)) as { replayed: string[] };
        process.stdout.write(`Replayed ${result.replayed.length} dead letter(s).\n`);
        return;
      }
      throw new UsageError(`Unknown dlq command ${subcommand ?? ''}`);
    }
    case 'schedule': {
      localOnly(stage, 'schedule', 'On AWS, invoke the schedules function with {"schedule": "<name>"} (see README, Operating).');
      if (subcommand === 'list') {
        const result = (await runtimeRequest(runtimeUrl, 'GET', '/_local/schedules')) as { items: string[] };
        process.stdout.write(`${result.items.join('\n')}\n`);
        return;
      }
      if (subcommand === 'run') {
        if (!argument) throw new UsageError('schedule run needs a schedule name (loyalty schedule list)');
        const result = (await runtimeRequest(runtimeUrl, 'POST', `/_local/schedules/${encodeURIComponent(argument)}/run`)) as { result: unknown };
        print(result.result);
        return;
      }
      throw new UsageError(`Unknown schedule command ${subcommand ?? ''}`);
    }
    case 'clock': {
      localOnly(stage, 'clock', 'The test clock exists only in the local runtime.');
      let body: unknown;
      if (subcommand === 'advance') {
        if (!argument) throw new UsageError('clock advance needs a duration like 30d');
        body = { advanceMs: parseDuration(argument) * 1000 };
      } else if (subcommand === 'set') {
        if (!argument || Number.isNaN(Date.parse(argument))) throw new UsageError('clock set needs an ISO time like 2027-01-01T00:00:00Z');
        body = { set: new Date(argument).toISOString() };
      } else if (subcommand === 'reset') {
        body = { reset: true };
      } else if (subcommand !== 'show' && subcommand !== undefined) {
        throw new UsageError(`Unknown clock command ${subcommand}`);
      }
      const result = (await runtimeRequest(runtimeUrl, body === undefined ? 'GET' : 'POST', '/_local/clock', body)) as { now: string; offsetMs: number };
      process.stdout.write(`${result.now}${result.offsetMs ? ` (real time ${result.offsetMs > 0 ? '+' : ''}${Math.round(result.offsetMs / 1000)} s)` : ' (real time)'}\n`);
      return;
    }
    case 'demo': {
      localOnly(stage, 'demo', 'The demo moves the test clock, which exists only in the local runtime.');
      if (subcommand !== 'seed') throw new UsageError(`Unknown demo command ${subcommand ?? ''} (loyalty demo seed)`);
      const customers = Number(values.customers);
      if (!Number.isInteger(customers) || customers < 1 || customers > MAX_DEMO_CUSTOMERS) throw new UsageError(`--customers must be 1 to ${MAX_DEMO_CUSTOMERS}`);
      const seed = Number(values.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
      const storeId = requireStore(values.store ?? 'demo-seed');
      const report = await seedDemoYear({ runtimeUrl, stage, endpoint: values['dynamodb-endpoint'], storeId, customers, seed, progress: values.json ? undefined : (line) => process.stdout.write(`${line}\n`) });
      if (values.json) print(report);
      return;
    }
    default:
      throw new UsageError(`Unknown command ${command}`);
  }
}

// The route answers CSV too (Accept: text/csv); the JSON form is the object.
type Overview = Exclude<operations['getOverview']['responses'][200]['content']['application/json'], string>;

/**
 * The demo year: a store key of its own, then for each 30-day step the clock moved to the step's end and that step's
 * purchases sent (8 at a time), waiting until the journey has counted them before the next step, so every purchase is
 * judged at its own time. Ends with the daily churn review and the overview as the marketer sees it.
 */
async function seedDemoYear(options: {
  runtimeUrl: string;
  stage: string;
  endpoint: string | undefined;
  storeId: string;
  customers: number;
  seed: number;
  progress: ((line: string) => void) | undefined;
}): Promise<{ storeId: string; start: string; end: string; customers: number; purchases: number; overview: Overview }> {
  const clock = (await runtimeRequest(options.runtimeUrl, 'GET', '/_local/clock')) as { now: string };
  const population = demoPopulation({ customers: options.customers, start: clock.now, seed: options.seed, prefix: `demo${options.seed}` });
  const issued = issueApiKey();
  await withDynamo(options.stage, () =>
    identityRepository(options.stage, options.endpoint).createApiKey({ keyId: issued.keyId, storeId: options.storeId, secretHash: issued.secretHash, status: 'active', createdAt: new Date().toISOString() }),
  );
  const marketerToken = async () => ((await runtimeRequest(options.runtimeUrl, 'POST', '/_local/tokens', { marketer: 'demo-seed', ttlSeconds: 600 })) as { token: string }).token;
  const overview = async (): Promise<Overview> => {
    const token = await marketerToken();
    const answer = await apiCall(options.runtimeUrl, (client) => client.GET('/v1/analytics/overview', { headers: { accept: 'application/json' } }), { token });
    if (typeof answer === 'string') throw new Error('GET /v1/analytics/overview answered CSV where JSON was asked for');
    return answer;
  };
  const before = (await overview()).purchases;
  let sent = 0;
  options.progress?.(`Seeding ${population.customers.length} customers, ${population.purchases.length} purchases from ${population.start.slice(0, 10)} to ${population.end.slice(0, 10)} (store ${options.storeId})`);
  for (const step of monthlySteps(population)) {
    await runtimeRequest(options.runtimeUrl, 'POST', '/_local/clock', { set: step.until });
    await inBatches(step.purchases, 8, async (purchase) => {
      await apiCall(options.runtimeUrl, (client) =>
        client.POST('/v1/purchases', {
          body: { orderId: purchase.orderId, customerId: purchase.customerId, amount: minorToDecimal(purchase.amountMinor), currency: 'USD', occurredAt: purchase.occurredAt, channel: 'demo' },
        }),
        { apiKey: issued.key },
      );
    });
    sent += step.purchases.length;
    // The background pipeline (stream → bus → consumers) catches up before the clock moves on.
    const deadline = Date.now() + 180_000;
    let counted = (await overview()).purchases - before;
    while (counted < sent) {
      if (Date.now() > deadline) throw new Error(`The journey counted ${counted} of ${sent} demo purchases after 3 minutes: see loyalty dlq list`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 250));
      counted = (await overview()).purchases - before;
    }
    options.progress?.(`  ${step.until.slice(0, 10)}: ${step.purchases.length} purchases (${sent} in all)`);
  }
  await runtimeRequest(options.runtimeUrl, 'POST', '/_local/schedules/journey-churn-review/run');
  const final = await overview();
  options.progress?.(
    `Done: ${final.members} members, ${final.purchasers} purchasers, ${final.purchases} purchases, repeat-purchase rate ${(final.repeatPurchaseRate * 100).toFixed(1)}%, ${final.atRisk} at risk, ${final.lapsed} lapsed. The clock is now ${population.end.slice(0, 10)}; see GET /v1/analytics/funnel, /cohorts and /overview, or the console.`,
  );
  return { storeId: options.storeId, start: population.start, end: population.end, customers: population.customers.length, purchases: population.purchases.length, overview: final };
}

interface JournalItem {
  receivedAt: string;
  event: { id: string; source: string; 'detail-type': string; detail: { metadata?: { eventId?: string } } };
  deliveries: { rule: string; function: string; status: string; attempts: number; lastError?: string }[];
}

interface DeadLetterItem {
  id: string;
  kind: string;
  source: string;
  function: string;
  attempts: number;
  error: string;
  replayedAt?: string;
}

function formatJournalItem(item: JournalItem): string {
  const deliveries = item.deliveries.map((d) => `${d.function}:${d.status}${d.attempts > 1 ? `(${d.attempts} attempts)` : ''}`).join(', ');
  return `${item.receivedAt}  ${item.event['detail-type'].padEnd(20)} ${item.event.detail.metadata?.eventId ?? item.event.id}  → ${deliveries || 'no matching rule'}`;
}

type Balance = operations['getLoyaltyBalance']['responses'][200]['content']['application/json'];

const count = (value: number) => value.toLocaleString('en-US');

function formatBalance(balance: Balance): string {
  const lines = [`${balance.customerId}: ${count(balance.available)} points available, ${count(balance.pending)} pending`];
  if (balance.tier) lines.push(`  tier ${balance.tier.name} (×${balance.tier.multiplier}${balance.tier.since ? `, since ${balance.tier.since.slice(0, 10)}` : ''})`);
  else lines.push('  no tier');
  if (balance.nextTier) lines.push(`  next tier ${balance.nextTier.name}: ${balance.nextTier.remainingSpend} ${balance.nextTier.currency} more to spend`);
  if (balance.qualifyingSpend) lines.push(`  qualifying spend ${balance.qualifyingSpend.amount} ${balance.qualifyingSpend.currency} over ${balance.qualifyingSpend.windowDays} days`);
  if (balance.expiringSoon) lines.push(`  ${count(balance.expiringSoon.points)} points expire on ${balance.expiringSoon.expiresAt.slice(0, 10)}`);
  lines.push(`  lifetime earned ${count(balance.lifetimeEarned)}, redeemed ${count(balance.redeemed)}, expired ${count(balance.expired)}`);
  return `${lines.join('\n')}\n`;
}

/** A call through the typed client (@loyalty-loop/client): its body, or the API's problem as the error message. */
async function apiCall<Result extends { data?: unknown; error?: unknown; response: Response }>(
  baseUrl: string,
  call: (client: LoyaltyClient) => Promise<Result>,
  credentials: { token?: string | undefined; apiKey?: string | undefined } = {},
) {
  const client = createLoyaltyClient({ baseUrl, ...(credentials.token ? { token: credentials.token } : {}), ...(credentials.apiKey ? { apiKey: credentials.apiKey } : {}) });
  try {
    return await unwrap(call(client));
  } catch (error) {
    if (error instanceof LoyaltyApiError) {
      const fields = error.fieldErrors.map((field) => `\n  ${field.pointer || '(body)'}: ${field.detail}`).join('');
      throw new Error(`${error.message}${error.type ? ` (${error.type})` : ''}${fields}`);
    }
    if (error instanceof TypeError && error.cause !== undefined) throw new Error(`Cannot reach the API at ${baseUrl}: is it running (npm start)?`);
    throw error;
  }
}

function requireStore(store: string | undefined): string {
  if (!store) throw new UsageError('--store <storeId> is required');
  if (!IDENTIFIER_PATTERN.test(store)) throw new UsageError('--store must be 1-128 characters: letters, digits and . _ : @ + -');
  return store;
}

function localOnly(stage: string, command: string, hint: string): void {
  if (stage !== 'local') throw new UsageError(`loyalty ${command} works with the local runtime only. ${hint}`);
}

function identityRepository(stage: string, endpoint: string | undefined): IdentityRepository {
  return new IdentityRepository(identityClient(stage, endpoint), physicalTableName(stage, 'identity'));
}

function identityClient(stage: string, endpoint: string | undefined): DynamoDBDocumentClient {
  const local = stage === 'local';
  const client = new DynamoDBClient(
    local
      ? {
          endpoint: endpoint ?? `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? 8000}`,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : { ...(endpoint ? { endpoint } : {}) },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

async function withDynamo<T>(stage: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const code = (error as { code?: string; name?: string }).code ?? (error as { name?: string }).name;
    if (stage === 'local' && (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String((error as Error).message)))) {
      throw new Error('Cannot reach DynamoDB Local: is the local runtime running (npm start)?');
    }
    if (code === 'ResourceNotFoundException') throw new Error(`Table ${physicalTableName(stage, 'identity')} not found: is stage "${stage}" deployed in this region?`);
    throw error;
  }
}

async function runtimeRequest(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(`Cannot reach the local runtime at ${base}: is it running (npm start)?`);
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error((parsed as { detail?: string } | undefined)?.detail ?? `${method} ${path} answered ${response.status}`);
  return parsed;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`loyalty: ${message}\n`);
  if (error instanceof UsageError) process.stderr.write('Run loyalty --help for usage.\n');
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
