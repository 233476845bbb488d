import { etagOf, matchesIfNoneMatch } from '../../shared/http/conditional';

describe('conditional GETs', () => {
  const etag = etagOf('{"a":1}');

  it('makes a strong, quoted ETag that changes with the content', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(etagOf('{"a":2}')).not.toBe(etag);
  });

  it.each([
    [etag, true],
    [`W/${etag}`, true],
    [`"other", ${etag}`, true],
    ['*', true],
    ['"other"', false],
    [etag.slice(1, -1), false],
    ['', false],
    [undefined, false],
  ])('If-None-Match %j holds it: %j', (header, expected) => {
    expect(matchesIfNoneMatch(header, etag)).toBe(expected);
  });
});
