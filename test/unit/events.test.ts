import { allEvents } from '../../events';
import { compileEventPattern } from '../../infra/local/event-pattern';

describe('event contracts', () => {
  it('have unique detail-types and valid examples', () => {
    expect(new Set(allEvents.map((event) => event.detailType)).size).toBe(allEvents.length);
    for (const contract of allEvents) expect(contract.dataSchema.safeParse(contract.example).success).toBe(true);
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
