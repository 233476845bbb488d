import { compileEventPattern } from '../../infra/local/event-pattern';
import { OUTBOX_STREAM_FILTER } from '../../shared/events/outbox';

/** Issue 9.3 — the relay's stream filter, as Lambda evaluates it on each stream record (EventBridge pattern syntax). */
describe('the outbox stream filter', () => {
  const matcher = compileEventPattern(OUTBOX_STREAM_FILTER);
  const record = (eventName: string, newImage?: Record<string, unknown>) => ({
    eventID: '1',
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: 'p' }, sk: { S: 's' } }, ...(newImage ? { NewImage: newImage } : {}), SequenceNumber: '1' },
  });

  it('lets through inserts and modifications whose new image carries an outbox event', () => {
    const outbox = { outbox: { M: { eventId: { S: 'PurchaseRecorded:s1:o1' }, detailType: { S: 'PurchaseRecorded' } } } };
    expect(matcher.matches(record('INSERT', { pk: { S: 'p' }, ...outbox }))).toBe(true);
    expect(matcher.matches(record('MODIFY', { pk: { S: 'p' }, ...outbox }))).toBe(true);
  });

  it('drops records that announce nothing: plain items, removals', () => {
    expect(matcher.matches(record('INSERT', { pk: { S: 'CUST#c1' }, sk: { S: 'ACCOUNT' }, version: { N: '3' } }))).toBe(false);
    expect(matcher.matches(record('REMOVE'))).toBe(false);
    expect(matcher.matches(record('INSERT', { outbox: { NULL: true } }))).toBe(false);
  });
});
