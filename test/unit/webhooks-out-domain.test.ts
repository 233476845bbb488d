import { Webhook } from 'standardwebhooks';
import { checkAddress } from '../../functions/webhooks-out/domain/addresses';
import { abandon, applyEffect, messageIdFloor, messageIdOf, newDelivery, recordAttempt, replay, type Delivery, type Message } from '../../functions/webhooks-out/domain/delivery';
import { checkEndpointUrl, rotateSecret, signingSecrets, type Endpoint } from '../../functions/webhooks-out/domain/endpoint';
import { MAX_ATTEMPTS, nextAttemptAt, RETRY_DELAYS_MS } from '../../functions/webhooks-out/domain/schedule';
import { newSigningSecret, secretKey, sign, signatureHeader } from '../../functions/webhooks-out/domain/signing';
import { messageOf } from '../../functions/webhooks-out/domain/use-cases';
import { getWebhookDelivery } from '../../functions/webhooks-out/webhooks-out.routes';

/**
 * The outbound webhooks domain, pure: Standard Webhooks signing against the specification's published test vector and
 * an independent verifier (the `standardwebhooks` package), the SSRF address rules, endpoint URL rules, the retry
 * schedule with its jitter, what each answer does to a delivery and its endpoint, secret rotation with overlap, and
 * message ids that are stable per event and sort by time.
 */
const T0 = '2026-12-01T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe('Standard Webhooks signing', () => {
  it('matches the specification test vector', () => {
    expect(sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs with every valid secret during a rotation, and an independent verifier accepts either secret', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const body = JSON.stringify({ type: 'PointsEarned', timestamp: T0, data: { points: 9_007_199_254_740_991 } });
    const timestamp = Math.floor(Date.now() / 1000);
    const header = signatureHeader([current, previous], 'msg_abc', timestamp, body);
    expect(header.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, { 'webhook-id': 'msg_abc', 'webhook-timestamp': String(timestamp), 'webhook-signature': header })).toEqual(JSON.parse(body));
    }
    // A third secret, a changed body or another id fail.
    expect(() => new Webhook(newSigningSecret()).verify(body, { 'webhook-id': 'msg_abc', 'webhook-timestamp': String(timestamp), 'webhook-signature': header })).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, { 'webhook-id': 'msg_abc', 'webhook-timestamp': String(timestamp), 'webhook-signature': header })).toThrow();
    expect(() => new Webhook(current).verify(body, { 'webhook-id': 'msg_abd', 'webhook-timestamp': String(timestamp), 'webhook-signature': header })).toThrow();
  });

  it('makes secrets of 32 random bytes and refuses malformed ones', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(secret)).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
    expect(() => secretKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(/whsec_/);
    expect(() => secretKey(`whsec_${Buffer.alloc(8).toString('base64')}`)).toThrow(/24–64/);
    expect(() => secretKey(`whsec_${Buffer.alloc(65).toString('base64')}`)).toThrow(/24–64/);
    expect(() => secretKey('whsec_not base64!')).toThrow(/base64/);
    expect(() => signatureHeader([], 'msg', 1, '{}')).toThrow();
  });
});

describe('where webhooks may go (SSRF)', () => {
  it.each([
    ['10.1.2.3'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.168.1.1'],
    ['169.254.169.254'],
    ['100.64.0.1'],
    ['0.0.0.0'],
    ['224.0.0.1'],
    ['255.255.255.255'],
    ['fd00:ec2::254'],
    ['fe80::1'],
    ['fc00::1'],
    ['::'],
    ['::ffff:10.0.0.1'],
    ['::ffff:169.254.169.254'],
    ['2002:a00:1::'],
    ['127.0.0.1'],
    ['::1'],
  ])('refuses %s', (address) => {
    expect(checkAddress(address, { allowLoopback: false })).toMatchObject({ allowed: false });
  });

  it.each([['93.184.215.14'], ['8.8.8.8'], ['172.32.0.1'], ['2606:4700::6810:84e5'], ['::ffff:8.8.8.8']])('allows the public address %s', (address) => {
    expect(checkAddress(address, { allowLoopback: false })).toEqual({ allowed: true });
  });

  it('allows loopback only where the local runtime says so, and never a private address', () => {
    expect(checkAddress('127.0.0.1', { allowLoopback: true })).toEqual({ allowed: true });
    expect(checkAddress('::1', { allowLoopback: true })).toEqual({ allowed: true });
    expect(checkAddress('10.0.0.1', { allowLoopback: true })).toMatchObject({ allowed: false });
    expect(checkAddress('not-an-ip', { allowLoopback: true })).toMatchObject({ allowed: false });
  });
});

describe('endpoint URLs', () => {
  const aws = { allowLoopback: false };
  const local = { allowLoopback: true };
  it('accepts https to a name or a public address', () => {
    expect(checkEndpointUrl('https://hooks.example.com/loyalty?token=abc', aws)).toMatchObject({ ok: true });
    expect(checkEndpointUrl('https://93.184.215.14/hook', aws)).toMatchObject({ ok: true });
  });
  it.each([
    ['http://hooks.example.com/x', /https/],
    ['ftp://hooks.example.com/x', /https/],
    ['https://user:pass@hooks.example.com/x', /credentials/],
    ['https://hooks.example.com/x#frag', /fragment/],
    ['https://10.0.0.5/hook', /private/],
    ['https://[fd00:ec2::254]/latest/meta-data', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://127.0.0.1/hook', /loopback/],
    ['https://localhost/hook', /loopback/],
    ['http://127.0.0.1:9999/hook', /https/],
    ['not a url', /absolute URL/],
    [`https://example.com/${'a'.repeat(2048)}`, /2048/],
  ] as const)('refuses %# on AWS', (url, reason) => {
    const verdict = checkEndpointUrl(url, aws);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });
  it('accepts http to loopback on the local runtime only, and still refuses private addresses there', () => {
    expect(checkEndpointUrl('http://127.0.0.1:9999/hook', local)).toMatchObject({ ok: true });
    expect(checkEndpointUrl('http://localhost:9999/hook', local)).toMatchObject({ ok: true });
    expect(checkEndpointUrl('http://10.0.0.5/hook', local)).toMatchObject({ ok: false });
    expect(checkEndpointUrl('https://192.168.0.10/hook', local)).toMatchObject({ ok: false });
  });
});

describe('the retry schedule', () => {
  it('is at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts', () => {
    expect(RETRY_DELAYS_MS).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(MAX_ATTEMPTS).toBe(8);
    expect(nextAttemptAt(8, T0)).toBeUndefined();
  });
  it('moves each retry by at most ±10 %', () => {
    expect(nextAttemptAt(2, T0, () => 0.5)).toBe(at(300_000));
    expect(nextAttemptAt(2, T0, () => 0)).toBe(at(270_000));
    expect(nextAttemptAt(2, T0, () => 0.999999)).toBe(at(330_000));
    for (let i = 0; i < 200; i++) {
      const due = Date.parse(nextAttemptAt(4, T0) as string) - Date.parse(T0);
      expect(due).toBeGreaterThanOrEqual(7_200_000 * 0.9);
      expect(due).toBeLessThanOrEqual(7_200_000 * 1.1);
    }
  });
});

const message: Message = messageOf({ eventType: 'PointsEarned', eventId: 'PointsEarned:abc-1', occurredAt: T0, data: { customerId: 'c-1', points: 10 } });
const endpoint: Endpoint = {
  endpointId: 'ep_AAAAAAAAAAAAAAAA',
  url: 'https://hooks.example.com/x',
  eventTypes: ['PointsEarned'],
  enabled: true,
  secrets: [{ secret: newSigningSecret(), createdAt: T0 }],
  createdAt: T0,
  createdBy: 'marketer:ana',
  updatedAt: T0,
  version: 1,
};
const fresh = (): Delivery => newDelivery(endpoint.endpointId, message, T0, at(60_000));
const middle = () => 0.5;

describe('what an answer does', () => {
  it('2xx delivers; a success after failures ends the failing streak', () => {
    const { delivery, effect } = recordAttempt(fresh(), endpoint, { kind: 'answered', status: 204, latencyMs: 12 }, 'event', T0, middle);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 1, attempts: [{ outcome: 'succeeded', status: 204, latencyMs: 12, trigger: 'event' }] });
    expect(delivery.nextAttemptAt).toBeUndefined();
    expect(effect).toEqual({ kind: 'none' });
    expect(recordAttempt(fresh(), { failingSince: T0 }, { kind: 'answered', status: 200, latencyMs: 1 }, 'retry', at(1000)).effect).toEqual({ kind: 'recovered' });
  });

  it('410 fails it for good and disables the endpoint', () => {
    const { delivery, effect } = recordAttempt(fresh(), endpoint, { kind: 'answered', status: 410, latencyMs: 3 }, 'event', T0);
    expect(delivery).toMatchObject({ status: 'failed', failedReason: 'gone' });
    expect(effect).toEqual({ kind: 'disable', reason: 'gone' });
    expect(applyEffect(endpoint, effect, T0)).toMatchObject({ enabled: false, disabled: { reason: 'gone', at: T0 }, version: 2 });
  });

  it('anything else (500, 3xx, a timeout, a refused address) is retried on the schedule, then fails as exhausted', () => {
    let delivery = fresh();
    let clock = T0;
    const dues: number[] = [];
    const results = [
      { kind: 'answered', status: 500, latencyMs: 5 },
      { kind: 'answered', status: 302, latencyMs: 5 },
      { kind: 'failed', error: 'timeout after 15 s', latencyMs: 15_000 },
      { kind: 'failed', error: 'refused: hooks.example.com resolves to 10.0.0.1 is a private, link-local or reserved address' },
    ] as const;
    for (let n = 0; n < MAX_ATTEMPTS; n++) {
      const recorded = recordAttempt(delivery, { failingSince: T0 }, results[n % results.length] as (typeof results)[number], n === 0 ? 'event' : 'retry', clock, middle);
      delivery = recorded.delivery;
      if (delivery.status === 'pending') {
        dues.push(Date.parse(delivery.nextAttemptAt as string) - Date.parse(clock));
        clock = delivery.nextAttemptAt as string;
      }
    }
    expect(dues).toEqual(RETRY_DELAYS_MS.slice(1));
    expect(delivery).toMatchObject({ status: 'failed', failedReason: 'exhausted', attemptCount: 8 });
    expect(delivery.attempts.map((attempt) => attempt.error)).toEqual([
      'status 500',
      'status 302',
      'timeout after 15 s',
      expect.stringContaining('refused'),
      'status 500',
      'status 302',
      'timeout after 15 s',
      expect.stringContaining('refused'),
    ]);
  });

  it('the first failure starts the failing streak; 5 days of failures disable the endpoint', () => {
    expect(recordAttempt(fresh(), endpoint, { kind: 'answered', status: 503, latencyMs: 1 }, 'event', T0).effect).toEqual({ kind: 'failing-since', at: T0 });
    const failing = { ...endpoint, failingSince: T0 };
    expect(recordAttempt(fresh(), failing, { kind: 'answered', status: 503, latencyMs: 1 }, 'retry', at(5 * 86_400_000 - 1)).effect).toEqual({ kind: 'none' });
    const last = recordAttempt(fresh(), failing, { kind: 'answered', status: 503, latencyMs: 1 }, 'retry', at(5 * 86_400_000));
    expect(last.effect).toEqual({ kind: 'disable', reason: 'failing' });
    expect(last.delivery).toMatchObject({ status: 'failed', failedReason: 'endpoint-disabled' });
    expect(applyEffect(failing, last.effect, at(5 * 86_400_000))).toMatchObject({ enabled: false, disabled: { reason: 'failing' }, failingSince: T0 });
    // Applying twice changes nothing the second time.
    expect(applyEffect({ ...failing, enabled: false }, last.effect, T0)).toBeUndefined();
    expect(applyEffect(failing, { kind: 'failing-since', at: at(1) }, at(1))).toBeUndefined();
  });

  it('replay starts a new series; abandon fails it with the reason', () => {
    const failed = recordAttempt(fresh(), endpoint, { kind: 'answered', status: 410, latencyMs: 1 }, 'event', T0).delivery;
    const replayed = replay(failed, at(1000));
    expect(replayed).toMatchObject({ status: 'pending', attemptsInSeries: 0, nextAttemptAt: at(1000), attemptCount: 1 });
    expect(replayed.failedReason).toBeUndefined();
    expect(abandon(fresh(), 'endpoint-deleted')).toMatchObject({ status: 'failed', failedReason: 'endpoint-deleted', version: 2 });
  });
});

describe('secrets and rotation', () => {
  it('keeps the previous secret signing until the overlap ends, then only the new one', () => {
    const rotated = rotateSecret(endpoint, 'whsec_new', 24, T0);
    expect(signingSecrets(rotated, at(1000))).toEqual(['whsec_new', endpoint.secrets[0]?.secret]);
    expect(signingSecrets(rotated, at(24 * 3_600_000))).toEqual(['whsec_new']);
    // Rotating again during the overlap never extends an old secret's life; a 0-hour overlap retires it at once.
    const again = rotateSecret(rotated, 'whsec_newer', 48, at(1000));
    expect(again.secrets.map((secret) => secret.secret)).toEqual(['whsec_newer', 'whsec_new', endpoint.secrets[0]?.secret]);
    expect(again.secrets[2]?.expiresAt).toBe(at(24 * 3_600_000));
    expect(signingSecrets(rotateSecret(endpoint, 'whsec_now', 0, T0), T0)).toEqual(['whsec_now']);
  });
});

describe('messages', () => {
  it('have an id stable per event, sortable by time, as the routes accept', () => {
    expect(messageIdOf('PointsEarned:abc-1', T0)).toBe(message.messageId);
    expect(messageIdOf('PointsEarned:abc-2', T0)).not.toBe(message.messageId);
    expect(messageIdOf('x', at(1)) > messageIdOf('x', T0)).toBe(true);
    expect(messageIdOf('x', T0) >= messageIdFloor(Date.parse(T0))).toBe(true);
    expect(messageIdOf('x', at(-1)) < messageIdFloor(Date.parse(T0))).toBe(true);
    expect(getWebhookDelivery.params?.safeParse({ endpointId: endpoint.endpointId, messageId: message.messageId }).success).toBe(true);
  });
  it('carry the Standard Webhooks envelope and the customer they concern', () => {
    expect(JSON.parse(message.body)).toEqual({ type: 'PointsEarned', timestamp: T0, data: { customerId: 'c-1', points: 10 } });
    expect(message.customerId).toBe('c-1');
    expect(messageOf({ eventType: 'WebhookEndpointDisabled', eventId: 'e', occurredAt: T0, data: { endpointId: 'ep' } }).customerId).toBeUndefined();
  });
});
