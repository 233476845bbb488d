import { LruCache } from '../../infra/local/lru-cache';
import { requestUrl } from '../../infra/local/request-target';
import { adminExposureWarning, isLoopbackHost, UnsafeHostError } from '../../infra/local/runtime';

/** Issue 7.7, local runtime: paths as sent, a bounded authorizer cache, admin routes on loopback only. */
describe('request targets', () => {
  it.each([
    ['//host/v1/health', '//host/v1/health'],
    ['//v1/health', '//v1/health'],
    ['/v1//health', '/v1//health'],
    ['/%2F/v1/health', '/%2F/v1/health'],
    ['/v1/health?x=1', '/v1/health'],
  ])('keeps %s as the path %s (never reads a host out of it)', (target, path) => {
    const url = requestUrl({ url: target });
    expect(url.pathname).toBe(path);
    expect(url.host).toBe('localhost');
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<number>(2, 60_000);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('forgets entries after their time to live', () => {
    let now = 0;
    const cache = new LruCache<string>(10, 1_000, () => now);
    cache.set('k', 'v');
    now = 999;
    expect(cache.get('k')).toBe('v');
    now = 1_000;
    expect(cache.get('k')).toBeUndefined(); // a hit does not extend it: set at 0, expired at 1,000
  });

  it('stays bounded under a flood of distinct keys', () => {
    const cache = new LruCache<boolean>(100, 60_000);
    for (let index = 0; index < 10_000; index++) cache.set(`bogus-${index}`, false);
    expect(cache.size).toBe(100);
  });
});

describe('loopback hosts', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each(['0.0.0.0', '192.168.1.10', '::', 'example.com', '128.0.0.1'])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('admin routes beyond loopback', () => {
  it('refuses a non-loopback host unless allowed, and then warns loudly', () => {
    expect(adminExposureWarning('127.0.0.1', false)).toBeUndefined();
    expect(() => adminExposureWarning('0.0.0.0', false)).toThrow(UnsafeHostError);
    expect(() => adminExposureWarning('0.0.0.0', false)).toThrow(/--allow-non-loopback-admin/);
    expect(adminExposureWarning('0.0.0.0', true)).toMatch(/^UNSAFE: \/_local\/\* .* reachable on 0\.0\.0\.0/);
  });
});
