import { requestUrl } from './request-target';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { LocalEventBus } from './event-bus';
import type { LocalIssuer } from './issuer';
import type { Journal } from './journal';
import type { LocalClock } from './clock';
import type { LocalScheduler } from './scheduler';

/**
 * Local-only endpoints (never deployed): the event journal, dead letters and their replay, token minting,
 * schedules on demand, and the issuer's JWKS. The `loyalty` CLI talks to these.
 */
const tokenRequest = z.union([
  z.strictObject({ customerId: z.string().min(1).max(128), ttlSeconds: z.number().int().min(1).max(7 * 86400).optional() }),
  z.strictObject({ marketer: z.string().min(1).max(128), ttlSeconds: z.number().int().min(1).max(7 * 86400).optional() }),
]);

const clockRequest = z.union([
  z.strictObject({ advanceMs: z.number().int().min(0) }),
  z.strictObject({ set: z.iso.datetime({ offset: true }) }),
  z.strictObject({ reset: z.literal(true) }),
]);

export class LocalAdmin {
  constructor(
    private readonly journal: Journal,
    private readonly bus: LocalEventBus,
    private readonly issuer: LocalIssuer,
    private readonly scheduler: LocalScheduler,
    private readonly clock: LocalClock,
    private readonly metrics: { snapshot(): Promise<unknown>; reset(): void },
  ) {}

  private now(): Date {
    return this.clock.now();
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const url = requestUrl(request);
    const method = request.method ?? 'GET';
    const path = url.pathname;
    try {
      if (method === 'GET' && path === '/.well-known/jwks.json') return json(response, 200, this.issuer.jwks());
      if (method === 'GET' && path === '/.well-known/openid-configuration') {
        return json(response, 200, { issuer: this.issuer.issuer, jwks_uri: `${this.issuer.issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] });
      }
      if (method === 'GET' && path === '/_local/events') {
        const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 50) || 50, 1), 500);
        const page = await this.journal.listEvents({
          limit,
          ...(url.searchParams.get('cursor') ? { cursor: url.searchParams.get('cursor') as string } : {}),
          ...(url.searchParams.get('detailType') ? { detailType: url.searchParams.get('detailType') as string } : {}),
        });
        return json(response, 200, {
          items: page.items.map((entry) => ({ receivedAt: entry.receivedAt, event: entry.event, deliveries: Object.values(entry.deliveries) })),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        });
      }
      if (method === 'GET' && path === '/_local/dlq') return json(response, 200, { items: await this.journal.deadLetters() });
      // What the functions consumed since start or the last reset (DynamoDB capacity only with --meter).
      if (method === 'GET' && path === '/_local/metrics') return json(response, 200, await this.metrics.snapshot());
      if (method === 'POST' && path === '/_local/metrics/reset') {
        this.metrics.reset();
        return json(response, 200, { reset: true });
      }
      if (method === 'POST' && path === '/_local/dlq/replay') {
        const letters = (await this.journal.deadLetters()).filter((letter) => letter.kind === 'event' && !letter.replayedAt);
        for (const letter of letters) await this.bus.replay(letter);
        return json(response, 200, { replayed: letters.map((letter) => letter.id) });
      }
      const replay = /^\/_local\/dlq\/(.+)\/replay$/.exec(path);
      if (method === 'POST' && replay?.[1]) {
        const letter = await this.journal.getDeadLetter(decodeURIComponent(replay[1]));
        if (!letter) return problem(response, 404, 'No dead letter with that id');
        if (letter.kind !== 'event') return problem(response, 409, `Only event dead letters can be replayed here (this one is a ${letter.kind})`);
        await this.bus.replay(letter);
        return json(response, 200, { replayed: [letter.id] });
      }
      if (method === 'POST' && path === '/_local/tokens') {
        const parsed = tokenRequest.safeParse(JSON.parse(body.toString('utf8') || '{}'));
        if (!parsed.success) return problem(response, 400, 'Send {"customerId": "..."} or {"marketer": "..."}, with an optional ttlSeconds');
        const ttl = parsed.data.ttlSeconds ?? 3600;
        const subject = 'customerId' in parsed.data ? { customerId: parsed.data.customerId } : { marketer: parsed.data.marketer };
        return json(response, 201, await this.issuer.mint(subject, ttl, this.now()));
      }
      const schedule = /^\/_local\/schedules\/([^/]+)\/run$/.exec(path);
      if (method === 'POST' && schedule?.[1]) {
        const name = decodeURIComponent(schedule[1]);
        if (!this.scheduler.names.includes(name)) return problem(response, 404, `No schedule named ${name}`);
        return json(response, 200, { schedule: name, result: (await this.scheduler.runNow(name)) ?? null });
      }
      if (path === '/_local/clock' && (method === 'GET' || method === 'POST')) {
        if (method === 'POST') {
          const parsed = clockRequest.safeParse(JSON.parse(body.toString('utf8') || '{}'));
          if (!parsed.success) return problem(response, 400, 'Send {"advanceMs": n}, {"set": "<ISO time>"} or {"reset": true}');
          if ('advanceMs' in parsed.data) this.clock.advance(parsed.data.advanceMs);
          else if ('set' in parsed.data) this.clock.set(new Date(parsed.data.set));
          else this.clock.reset();
        }
        return json(response, 200, { now: this.now().toISOString(), offsetMs: this.clock.offset });
      }
      if (method === 'GET' && path === '/_local/schedules') return json(response, 200, { items: this.scheduler.names });
      if (method === 'GET' && path === '/_local/status') {
        return json(response, 200, { now: this.now().toISOString(), rules: this.bus.ruleNames, schedules: this.scheduler.names });
      }
      return problem(response, 404, `No local endpoint ${method} ${path}`);
    } catch (error) {
      return problem(response, 500, (error as Error).message);
    }
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.setHeader('cache-control', 'no-store');
  response.end(JSON.stringify(body));
}

function problem(response: ServerResponse, status: number, detail: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/problem+json');
  response.end(JSON.stringify({ type: 'about:blank', title: status === 404 ? 'Not found' : 'Local runtime error', status, detail }));
}
