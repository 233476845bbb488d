import { itemSize, transactionalWriteUnits, valueSize, writeUnits } from '../../infra/local/item-size';

/** The billed item size (DynamoDB's documented rules), which the metering guard prices transactions by. */
describe('DynamoDB item size', () => {
  it('counts names and strings in UTF-8 bytes', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ name: { S: 'é' } })).toBe(4 + 2);
  });

  it('counts numbers by significant digits, booleans and nulls as one byte', () => {
    expect(valueSize({ N: '12345' })).toBe(4);
    expect(valueSize({ N: '-0.0012' })).toBe(2);
    expect(valueSize({ N: '1000' })).toBe(2);
    expect(valueSize({ BOOL: true })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
  });

  it('adds three bytes per list or map and one per element', () => {
    expect(valueSize({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + (2 + 1) + (2 + 1));
    expect(valueSize({ M: { a: { S: 'xy' }, bb: { BOOL: false } } })).toBe(3 + (1 + 2 + 1) + (2 + 1 + 1));
    expect(valueSize({ SS: ['a', 'bc'] })).toBe(3);
    expect(valueSize({ B: Buffer.from('hello').toString('base64') })).toBe(5);
  });

  it('bills one unit per KB for a standard write and two for a transactional one', () => {
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(transactionalWriteUnits(10)).toBe(2);
    expect(transactionalWriteUnits(1500)).toBe(4);
  });
});
