import { PurchaseRecorded } from '../../events/purchase-recorded';
import { publishAll, type Publisher } from '../../functions/platform/publish';
import { outboxRecord, outboxRecordOfChange } from '../../shared/events/outbox';

const record = outboxRecord(PurchaseRecorded, PurchaseRecorded.example, { eventId: 'e1', occurredAt: '2026-11-01T10:00:00.000Z' });

describe('outbox records on stream changes', () => {
  it('publishes inserts and modifications that carry a new event id', () => {
    expect(outboxRecordOfChange('INSERT', { outbox: record }, undefined)).toEqual(record);
    expect(outboxRecordOfChange('MODIFY', { outbox: { ...record, eventId: 'e2' } }, { outbox: record })?.eventId).toBe('e2');
  });

  it('ignores removals, items without an outbox and unrelated updates', () => {
    expect(outboxRecordOfChange('REMOVE', undefined, { outbox: record })).toBeUndefined();
    expect(outboxRecordOfChange('INSERT', { pk: 'x' }, undefined)).toBeUndefined();
    expect(outboxRecordOfChange('MODIFY', { outbox: record, refundedMinor: 5 }, { outbox: record })).toBeUndefined();
  });

  it('validates the detail against the contract when building it', () => {
    expect(() => outboxRecord(PurchaseRecorded, { ...PurchaseRecorded.example, amountMinor: 1.5 }, { eventId: 'e', occurredAt: '2026-11-01T10:00:00.000Z' })).toThrow();
  });
});

describe('publishing with PutEvents', () => {
  const pending = Array.from({ length: 23 }, (_, index) => ({
    sequenceNumber: String(index + 1),
    eventId: `e${index}`,
    entry: { Source: 's', DetailType: 'd', Detail: `{"n":${index}}` },
  }));

  it('sends batches of at most 10 and retries only the failed entries', async () => {
    const calls: number[] = [];
    let failOnce = true;
    const publisher: Publisher = async (entries) => {
      calls.push(entries.length);
      return entries.map((entry, index) => {
        if (failOnce && index === 3) {
          failOnce = false;
          return { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' };
        }
        return { EventId: `id-${entry.Detail}` };
      });
    };
    const failed = await publishAll(publisher, pending, { attempts: 3, baseDelayMs: 1 });
    expect(failed).toEqual([]);
    expect(calls).toEqual([10, 10, 3, 1]);
  });

  it('returns what still fails after the last attempt, including thrown calls', async () => {
    const publisher: Publisher = async () => {
      throw Object.assign(new Error('down'), { name: 'ServiceUnavailable' });
    };
    const failed = await publishAll(publisher, pending.slice(0, 2), { attempts: 2, baseDelayMs: 1 });
    expect(failed.map((item) => [item.sequenceNumber, item.errorCode])).toEqual([
      ['1', 'ServiceUnavailable'],
      ['2', 'ServiceUnavailable'],
    ]);
  });
});
