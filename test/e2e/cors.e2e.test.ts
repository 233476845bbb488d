import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/** CORS is an explicit allow-list from configuration, applied as API Gateway applies it. */
let runtime: RuntimeProcess;

beforeAll(async () => {
  process.env.CORS_ORIGINS = 'https://shop.example.com';
  runtime = await startRuntimeProcess();
  delete process.env.CORS_ORIGINS;
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
});

const preflight = (origin: string) =>
  fetch(`${runtime.url}/v1/purchases`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' } });

describe('CORS', () => {
  it('answers preflight requests from allowed origins with the allowed methods and headers', async () => {
    const response = await preflight('https://shop.example.com');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-api-key');
  });

  it('gives other origins no CORS permission', async () => {
    const response = await preflight('https://evil.example.net');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${runtime.url}/v1/health`, { headers: { origin: 'https://evil.example.net' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets any origin read the wall and its widget (open CORS: the open API on AWS), and only them', async () => {
    const foreign = { origin: 'https://merchant-site.example.org' };
    const wall = await fetch(`${runtime.url}/v1/walls/default`, { headers: foreign });
    expect(wall.status).toBe(200);
    expect(wall.headers.get('access-control-allow-origin')).toBe('*');
    const widget = await fetch(`${runtime.url}/w/loyalty-wall.js`, { headers: foreign });
    expect(widget.status).toBe(200);
    expect(widget.headers.get('access-control-allow-origin')).toBe('*');
    // From an allowed origin too: the function's `*` as it sent it, not the allow-list's answer.
    const fromShop = await fetch(`${runtime.url}/v1/walls/default`, { headers: { origin: 'https://shop.example.com' } });
    expect(fromShop.headers.get('access-control-allow-origin')).toBe('*');
    expect(fromShop.headers.get('access-control-expose-headers')).toBeNull();
    // The open API has no CORS configuration: nobody answers a preflight for it with CORS permissions.
    const wallPreflight = await fetch(`${runtime.url}/v1/walls/default`, { method: 'OPTIONS', headers: { ...foreign, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-custom' } });
    expect(wallPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(wallPreflight.headers.get('access-control-allow-methods')).toBeNull();
    // Every other route keeps the allow-list: the foreign origin gets no permission there.
    const normal = await fetch(`${runtime.url}/v1/health`, { headers: foreign });
    expect(normal.status).toBe(200);
    expect(normal.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks responses to allowed origins, with security headers on every response', async () => {
    const response = await fetch(`${runtime.url}/v1/health`, { headers: { origin: 'https://shop.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
