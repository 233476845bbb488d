import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole, consoleIsStale } from '../../console/build';
import { consoleSecurityHeaders, consoleSecurityPolicy } from '../../console/headers';
import { CognitoSignIn, PENDING_KEY } from '../../console/src/auth/cognito';
import { LOCAL_TOKEN_TTL_SECONDS, LocalSignIn } from '../../console/src/auth/local';
import { claimsOf, codeChallengeOf, randomUrlSafe } from '../../console/src/auth/pkce';
import { bucketsOf, percent, rangeOf } from '../../console/src/nps-trend';
import { netPromoterScore, percent as apiPercent } from '../../functions/feedback/domain/survey';
import { ConsoleHost, isConsolePath, LOCAL_CONSOLE_CONFIG } from '../../infra/local/console-host';

/**
 * The console's build (a dist with nothing inline, its staleness digest), the local runtime's static host for it
 * (paths, headers, caching, refusals), the local sign-in's token renewal, and Cognito's authorization-code + PKCE
 * flow against a stand-in token endpoint — real node:http servers on 127.0.0.1 (no Cognito user pool runs here). The pages themselves are tested in Chromium (test/browser/console.browser.test.ts).
 */
async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) =>
  new Promise<void>((closed) => {
    server.closeAllConnections();
    server.close(() => closed());
  });

describe('the console build', () => {
  const dist = join(mkdtempSync(join(tmpdir(), 'console-build-')), 'dist');
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('writes index.html with one content-hashed module script and one stylesheet, nothing inline, and is then current', async () => {
    expect(consoleIsStale(dist)).toBe(true);
    const built = await buildConsole(dist);
    expect(built.script).toMatch(/^assets\/console-[A-Z0-9]{8}\.js$/);
    expect(built.stylesheet).toMatch(/^assets\/console-[A-Z0-9]{8}\.css$/);
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(html).toContain(`<script type="module" src="./${built.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="./${built.stylesheet}">`);
    // No inline script, style element or style attribute: the page runs under a policy without 'unsafe-inline'.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(existsSync(join(dist, built.script))).toBe(true);
    expect(existsSync(join(dist, built.stylesheet))).toBe(true);
    // Small enough not to need a second thought (Preact, openapi-fetch and the pages, minified).
    expect(built.bytes).toBeLessThan(120 * 1024);
    expect(consoleIsStale(dist)).toBe(false);
  }, 60_000);

  it('is stale when its recorded digest is not the sources\' (a checkout changed them) or index.html is gone', () => {
    const info = join(dist, 'build-info.json');
    const recorded = readFileSync(info, 'utf8');
    writeFileSync(info, JSON.stringify({ ...JSON.parse(recorded), digest: 'an older build' }));
    expect(consoleIsStale(dist)).toBe(true);
    writeFileSync(info, recorded);
    expect(consoleIsStale(dist)).toBe(false);
    const index = readFileSync(join(dist, 'index.html'));
    rmSync(join(dist, 'index.html'));
    expect(consoleIsStale(dist)).toBe(true);
    writeFileSync(join(dist, 'index.html'), index);
  });
});

describe("the console's security policy", () => {
  it("allows scripts and styles from files only, frames nowhere, and names the API's origin when it is another", () => {
    const local = consoleSecurityPolicy();
    expect(local).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    const deployed = consoleSecurityPolicy({ apiOrigin: 'https://api.example.com', signInOrigin: 'https://auth.example.com' });
    expect(deployed).toContain("script-src 'self' https://api.example.com;");
    expect(deployed).toContain("connect-src 'self' https://api.example.com https://auth.example.com;");
    for (const policy of [local, deployed]) expect(policy).not.toMatch(/unsafe-|\*/);
    expect(consoleSecurityHeaders()).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
  });
});

describe("the local runtime's console host", () => {
  const dist = mkdtempSync(join(tmpdir(), 'console-host-'));
  let server: Server;
  let origin: string;
  let missing: { server: Server; origin: string };

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'console-ABCDEFGH.js'), 'export {};');
    writeFileSync(join(dist, 'assets', 'console-ABCDEFGH.css'), 'body{}');
    writeFileSync(join(dist, 'secret.txt'), 'not served');
    const host = new ConsoleHost(dist);
    ({ server, origin } = await listen((request, response) => void host.handle(request, response)));
    const unbuilt = new ConsoleHost(join(dist, 'not-built'));
    missing = await listen((request, response) => void unbuilt.handle(request, response));
  });
  afterAll(async () => {
    await close(server);
    await close(missing.server);
    rmSync(dist, { recursive: true, force: true });
  });

  const expectSecurityHeaders = (response: Response) => {
    for (const [name, value] of Object.entries(consoleSecurityHeaders())) expect([name, response.headers.get(name)]).toEqual([name, value]);
  };

  it('owns /console and everything under it, and nothing else', () => {
    expect(['/console', '/console/', '/console/assets/x.js'].every(isConsolePath)).toBe(true);
    expect(['/consoles', '/v1/console', '/', '/console-x'].some(isConsolePath)).toBe(false);
  });

  it('redirects /console to /console/ (relative asset URLs need the slash), keeping the query', async () => {
    const response = await fetch(`${origin}/console?from=readme`, { redirect: 'manual' });
    expect([response.status, response.headers.get('location')]).toEqual([308, '/console/?from=readme']);
    expectSecurityHeaders(response);
  });

  it('serves index.html revalidated on every load, and the hashed assets immutable, each with the security headers', async () => {
    const index = await fetch(`${origin}/console/`);
    expect([index.status, index.headers.get('content-type'), index.headers.get('cache-control'), await index.text()]).toEqual([200, 'text/html; charset=utf-8', 'no-cache', '<!doctype html><title>console</title>']);
    expectSecurityHeaders(index);
    const script = await fetch(`${origin}/console/assets/console-ABCDEFGH.js`);
    expect([script.status, script.headers.get('content-type'), script.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expectSecurityHeaders(script);
    const stylesheet = await fetch(`${origin}/console/assets/console-ABCDEFGH.css`);
    expect([stylesheet.status, stylesheet.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    const head = await fetch(`${origin}/console/index.html`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '37', '']);
  });

  it('answers config.json: the API on this origin, marketers signed in by the local issuer', async () => {
    const response = await fetch(`${origin}/console/config.json`);
    expect([response.status, response.headers.get('cache-control')]).toEqual([200, 'no-cache']);
    expect(await response.json()).toEqual(LOCAL_CONSOLE_CONFIG);
    expect(LOCAL_CONSOLE_CONFIG).toEqual({ apiBaseUrl: '', signIn: { kind: 'local', tokenUrl: '/_local/tokens' }, localEventsUrl: '/_local/events' });
  });

  it('serves no other file: not outside assets/, not up the tree, not unknown types; writes are refused', async () => {
    for (const path of ['/console/secret.txt', '/console/assets/..%2Fsecret.txt', '/console/assets/%2e%2e/secret.txt', '/console/assets/console.exe', '/console/assets/missing.js', '/console/build-info.json']) {
      const response = await fetch(`${origin}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      expectSecurityHeaders(response);
    }
    const post = await fetch(`${origin}/console/`, { method: 'POST', body: '{}' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('says how to build the console when its dist is missing', async () => {
    const response = await fetch(`${missing.origin}/console/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:console');
  });
});

describe('the local sign-in', () => {
  const minted: unknown[] = [];
  let failing = false;
  let issuer: { server: Server; origin: string };
  const realNow = Date.now;
  let now = 1_800_000_000_000;

  beforeAll(async () => {
    issuer = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        minted.push(JSON.parse(body));
        if (failing) {
          response.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'Bad', status: 400, detail: 'no tokens today' }));
          return;
        }
        // The runtime's test clock may be days ahead: expiresAt is the runtime's, not the page's.
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `token-${minted.length}`, expiresAt: '2099-01-01T00:00:00.000Z' }));
      });
    });
    Date.now = () => now;
  });
  afterAll(async () => {
    Date.now = realNow;
    await close(issuer.server);
  });

  it('mints a marketer token, keeps it until a minute before its lifetime ends, then mints again; a failed renewal signs out', async () => {
    const signIn = new LocalSignIn(`${issuer.origin}/_local/tokens`);
    const changes: (string | undefined)[] = [];
    signIn.onChange(() => changes.push(signIn.marketer?.name));
    expect(await signIn.token()).toBeUndefined();
    await signIn.signIn('Ana');
    expect(minted).toEqual([{ marketer: 'Ana', ttlSeconds: LOCAL_TOKEN_TTL_SECONDS }]);
    expect(signIn.marketer).toEqual({ name: 'Ana' });
    now += (LOCAL_TOKEN_TTL_SECONDS - 61) * 1000;
    expect(await signIn.token()).toBe('token-1');
    now += 2_000;
    // Two callers at once share one renewal.
    expect(await Promise.all([signIn.token(), signIn.token()])).toEqual(['token-2', 'token-2']);
    expect(minted).toHaveLength(2);
    expect(await signIn.token()).toBe('token-2');

    failing = true;
    now += LOCAL_TOKEN_TTL_SECONDS * 1000;
    expect(await signIn.token()).toBeUndefined();
    expect(signIn.marketer).toBeUndefined();
    expect(changes).toEqual(['Ana', undefined]);
    await expect(signIn.signIn('Ana')).rejects.toThrow('no tokens today');
    failing = false;
  });
});

describe("Cognito's hosted sign-in (authorization code + PKCE)", () => {
  const requests: Record<string, string>[] = [];
  let answer: (form: Record<string, string>) => { status: number; body: unknown } = () => ({ status: 500, body: {} });
  let tokenEndpoint: { server: Server; origin: string };
  const idToken = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;

  beforeAll(async () => {
    tokenEndpoint = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        expect([request.url, request.headers['content-type']]).toEqual(['/oauth2/token', 'application/x-www-form-urlencoded']);
        const form = Object.fromEntries(new URLSearchParams(body));
        requests.push(form);
        const { status, body: sent } = answer(form);
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(sent));
      });
    });
  });
  afterAll(() => close(tokenEndpoint.server));

  function surface() {
    const stored = new Map<string, string>();
    const visited: string[] = [];
    return {
      visited,
      stored,
      navigate: (url: string) => visited.push(url),
      storage: { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value), removeItem: (key: string) => void stored.delete(key) },
    };
  }

  it("computes the S256 challenge of RFC 7636's appendix B, and 43-character verifiers", async () => {
    expect(await codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const verifiers = new Set(Array.from({ length: 20 }, () => randomUrlSafe(32)));
    expect(verifiers.size).toBe(20);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(claimsOf(idToken({ name: 'Zoë' }))).toEqual({ name: 'Zoë' });
    expect(claimsOf('not a token')).toEqual({});
  });

  it('sends the browser to /oauth2/authorize with the challenge and a state, exchanges the code with the verifier, refreshes before expiry', async () => {
    const browser = surface();
    const config = { domain: `${tokenEndpoint.origin}/`, clientId: 'console-client', redirectUri: 'https://console.example.com/', logoutUri: 'https://console.example.com/' };
    const signIn = new CognitoSignIn(config, browser);
    await signIn.signIn('#/referrals');
    const authorize = new URL(browser.visited[0] as string);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${tokenEndpoint.origin}/oauth2/authorize`);
    const pending = JSON.parse(browser.stored.get(PENDING_KEY) as string) as { state: string; verifier: string; returnTo: string };
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: 'https://console.example.com/',
      scope: 'openid email profile',
      state: pending.state,
      code_challenge: await codeChallengeOf(pending.verifier),
      code_challenge_method: 'S256',
    });

    // Not a sign-in answer: nothing happens. A forged state is refused, and the pending sign-in is spent.
    expect(await signIn.completeSignIn(new URL('https://console.example.com/#/customers'))).toBeUndefined();
    answer = () => ({ status: 200, body: { id_token: idToken({ name: 'Ana', 'cognito:groups': ['marketers'] }), refresh_token: 'refresh-1', expires_in: 3600 } });
    const stash = browser.stored.get(PENDING_KEY) as string;
    await expect(signIn.completeSignIn(new URL(`https://console.example.com/?code=abc&state=forged`))).rejects.toThrow('state does not match');
    expect(browser.stored.has(PENDING_KEY)).toBe(false);
    expect(requests).toEqual([]);

    browser.stored.set(PENDING_KEY, stash);
    expect(await signIn.completeSignIn(new URL(`https://console.example.com/?code=abc&state=${pending.state}`))).toEqual({ returnTo: '#/referrals' });
    expect(requests).toEqual([{ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://console.example.com/', code_verifier: pending.verifier, client_id: 'console-client' }]);
    expect(browser.stored.size).toBe(0);
    expect(signIn.marketer).toEqual({ name: 'Ana' });
    const first = await signIn.token();
    expect(claimsOf(first as string)).toMatchObject({ name: 'Ana' });

    // A minute before expiry the refresh token buys a new ID token (Cognito sends no new refresh token: the old one stays).
    const realNow = Date.now;
    const started = realNow();
    try {
      Date.now = () => started + 3_545_000;
      answer = () => ({ status: 200, body: { id_token: idToken({ name: 'Ana', round: 2 }), expires_in: 3600 } });
      expect(claimsOf((await signIn.token()) as string)).toMatchObject({ round: 2 });
      expect(requests[1]).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'console-client' });
      Date.now = () => started + 2 * 3_545_000;
      answer = () => ({ status: 400, body: { error: 'invalid_grant' } });
      expect(await signIn.token()).toBeUndefined();
      expect(requests[2]).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'console-client' });
      expect(signIn.marketer).toBeUndefined();
    } finally {
      Date.now = realNow;
    }

    signIn.signOut();
    const logout = new URL(browser.visited[1] as string);
    expect(`${logout.origin}${logout.pathname}?${logout.searchParams}`).toBe(`${tokenEndpoint.origin}/logout?client_id=console-client&logout_uri=https%3A%2F%2Fconsole.example.com%2F`);
  });

  it("shows Cognito's refusal (error=access_denied) as the reason", async () => {
    const browser = surface();
    const signIn = new CognitoSignIn({ domain: tokenEndpoint.origin, clientId: 'c', redirectUri: 'https://console.example.com/' }, browser);
    await expect(signIn.completeSignIn(new URL('https://console.example.com/?error=access_denied&error_description=User+is+disabled'))).rejects.toThrow('Sign-in was refused: User is disabled');
  });
});

describe("the Feedback page's NPS trend", () => {
  const day = (date: string, counts: { promoters?: number; passives?: number; detractors?: number }) => {
    const promoters = counts.promoters ?? 0;
    const passives = counts.passives ?? 0;
    const detractors = counts.detractors ?? 0;
    const responses = promoters + passives + detractors;
    return { day: date, requested: responses, responses, promoters, passives, detractors, satisfied: 0, unsatisfied: 0, nps: netPromoterScore(promoters, detractors, responses) };
  };

  it('rounds as the API does', () => {
    for (const [part, whole] of [[1, 8], [-1, 8], [2, 3], [1, 3], [0, 0], [-7, 9], [5, 10]] as const) expect([part, whole, percent(part, whole)]).toEqual([part, whole, apiPercent(part, whole)]);
  });

  it('covers the last 12 weeks from a Monday, or the last 12 months from the 1st, to today', () => {
    // 2026-12-02 is a Wednesday.
    expect(rangeOf('week', new Date('2026-12-02T18:00:00Z'))).toEqual({ from: '2026-09-14', to: '2026-12-02' });
    expect(rangeOf('week', new Date('2026-11-30T00:00:00Z'))).toEqual({ from: '2026-09-14', to: '2026-11-30' });
    expect(rangeOf('month', new Date('2026-12-02T18:00:00Z'))).toEqual({ from: '2026-01-01', to: '2026-12-02' });
  });

  it('sums the days per week (Monday to Sunday) or month, lists every period, and computes each NPS from its counts', () => {
    const range = rangeOf('week', new Date('2026-12-02T12:00:00Z'));
    // Sunday 29 Nov belongs to the week of 23 Nov; Monday 30 Nov starts the last week.
    const daily = [day('2026-11-29', { promoters: 1, detractors: 2 }), day('2026-11-30', { promoters: 2, passives: 1 }), day('2026-12-02', { detractors: 1 })];
    const weeks = bucketsOf('week', range, daily);
    expect(weeks).toHaveLength(12);
    expect(weeks[0]?.label).toBe('w/c 2026-09-14');
    expect(weeks.slice(-2)).toEqual([
      { label: 'w/c 2026-11-23', responses: 3, promoters: 1, passives: 0, detractors: 2, nps: -33 },
      { label: 'w/c 2026-11-30', responses: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 },
    ]);
    expect(weeks.slice(0, -2).every((week) => week.responses === 0 && week.nps === 0)).toBe(true);
    const months = bucketsOf('month', rangeOf('month', new Date('2026-12-02T12:00:00Z')), daily);
    expect(months.map((month) => month.label)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(months.slice(-2).map((month) => [month.responses, month.nps])).toEqual([
      [6, 17],
      [1, -100],
    ]);
  });
});
