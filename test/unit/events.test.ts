import { readFileSync } from 'node:fs';
import * as catalogue from '../../events';
import { CustomerErased, CustomerErasedV1 } from '../../events/customer-erased';
import type { EventContract } from '../../events/contract';
import { compileEventPattern } from '../../infra/local/event-pattern';
import { topology } from '../../infra/topology';

/** The catalogue is what the services declare they produce (functions/<service>/service.ts). */
const allEvents = topology.events;

describe('event contracts', () => {
  it('are unique per detail-type and version, with valid examples', () => {
    const keys = allEvents.map((event) => `${event.detailType}@${event.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const contract of allEvents) expect(contract.dataSchema.safeParse(contract.example).success).toBe(true);
  });

  it('are each produced by a service: no contract in events/ is orphaned', () => {
    const exported = (Object.values(catalogue) as unknown[]).filter((value): value is EventContract => typeof value === 'object' && value !== null && 'detailType' in value);
    for (const contract of exported) expect([contract.detailType, contract.version, allEvents.includes(contract)]).toEqual([contract.detailType, contract.version, true]);
  });

  it('select exactly their own events with their rule pattern', () => {
    for (const contract of allEvents) {
      const detail = contract.detail(contract.example as never, { eventId: 'e1', occurredAt: '2026-11-01T10:00:00.000Z' });
      const matcher = compileEventPattern(contract.pattern);
      const envelope = { version: '0', id: 'x', 'detail-type': contract.detailType, source: contract.source, account: '1', time: 't', region: 'r', resources: [], detail };
      expect(matcher.matches(envelope)).toBe(true);
      expect(matcher.matches({ ...envelope, detail: { ...detail, metadata: { ...detail.metadata, version: contract.version + 1 } } })).toBe(false);
      for (const other of allEvents.filter((candidate) => candidate !== contract)) {
        expect(compileEventPattern(other.pattern).matches(envelope)).toBe(false);
      }
    }
  });

  it('parse their own details and reject a wrong version', () => {
    for (const contract of allEvents) {
      const detail = contract.detail(contract.example as never, { eventId: 'e1', occurredAt: '2026-11-01T10:00:00.000Z' });
      expect(contract.detailSchema.safeParse(detail).success).toBe(true);
      expect(contract.detailSchema.safeParse({ ...detail, metadata: { ...detail.metadata, version: 99 } }).success).toBe(false);
    }
  });
});

describe('CustomerErased versions', () => {
  const fixture = (version: number) => JSON.parse(readFileSync(`test/fixtures/events/customer-erased.v${version}.json`, 'utf8')) as { detail: { data: unknown } };

  it('keeps v1 readable: the v1 fixture parses with the v1 contract, and its data is valid v2 data', () => {
    const v1 = fixture(1);
    expect(CustomerErasedV1.detailSchema.safeParse(v1.detail).success).toBe(true);
    expect(CustomerErased.dataSchema.safeParse(v1.detail.data).success).toBe(true);
    expect(compileEventPattern(CustomerErasedV1.pattern).matches(v1)).toBe(true);
    expect(compileEventPattern(CustomerErased.pattern).matches(v1)).toBe(false);
  });

  it('lets v2 name any service, which v1 could not', () => {
    const v2 = fixture(2);
    expect(CustomerErased.detailSchema.safeParse(v2.detail).success).toBe(true);
    expect(CustomerErasedV1.dataSchema.safeParse(v2.detail.data).success).toBe(false);
    expect(CustomerErased.dataSchema.safeParse({ ...(v2.detail.data as object), service: 'Not A Service!' }).success).toBe(false);
  });
});

describe('the local bus at start', () => {
  it('rejects an invalid rule pattern with EventBridge\'s reason', async () => {
    const { LocalEventBus } = await import('../../infra/local/event-bus');
    const create = (pattern: unknown) =>
      new LocalEventBus([{ name: 'r', pattern, function: 'f', retryAttempts: 2, maxEventAgeSeconds: 60 }], {} as never, async () => undefined, {
        busName: 'b',
        region: 'us-east-1',
        account: '1',
        retryBaseDelayMs: 1,
        now: () => new Date(),
      });
    expect(() => create({ source: 'not-a-list' })).toThrow(/Event pattern is not valid. Reason: "source" must be an object or an array/);
    expect(() => create({ detail: { n: [{ numeric: ['>', 'x'] }] } })).toThrow(/Event pattern is not valid/);
    expect(() => create({ source: ['ok'] })).not.toThrow();
  });
});
