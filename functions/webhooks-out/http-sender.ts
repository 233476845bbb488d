import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkAddress } from './domain/addresses';
import type { SendResult } from './domain/delivery';
import { bareHost } from './domain/endpoint';
import { REQUEST_TIMEOUT_MS } from './domain/schedule';
import type { WebhookSender } from './domain/store';

/** Why a connection was refused before it was made (SSRF): recorded as the attempt's error. */
class ForbiddenAddressError extends Error {
  override readonly name = 'ForbiddenAddressError';
}

/**
 * The lookup every request connects through: it resolves the host and refuses the connection unless every address is
 * one requests may go to — at connect time, so a name re-pointed at a private address after registration (DNS
 * rebinding) is refused too, and the address checked is the address connected to.
 */
export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const verdict = checkAddress(address, { allowLoopback });
        if (!verdict.allowed) return callback(new ForbiddenAddressError(`refused: ${hostname} resolves to ${verdict.reason}`), '', 0);
      }
      const [first] = addresses;
      if (!first) return callback(new Error(`${hostname} does not resolve`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/** The addresses a host resolves to (registration's check); empty when it does not resolve. */
export function resolveHost(host: string): Promise<string[]> {
  return new Promise((resolve) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => resolve(error ? [] : addresses.map((entry) => entry.address)));
  });
}

/** An IP literal host never goes through lookup: checked here instead. */
function literalRefusal(url: URL, allowLoopback: boolean): string | undefined {
  const host = bareHost(url);
  if (!/^[\d.]+$|:/.test(host)) return undefined;
  const verdict = checkAddress(host, { allowLoopback });
  return verdict.allowed ? undefined : `refused: ${verdict.reason}`;
}

/**
 * Sends with Node's http/https: POST, the body as given, a 15 s deadline for the whole exchange, redirects never
 * followed (a 3xx is a failure, as Standard Webhooks says), and only the status kept of the answer — its body is
 * read (up to 64 KiB) and dropped.
 */
export function httpSender(options: { allowLoopback: boolean; timeoutMs?: number }): WebhookSender {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const lookup = guardedLookup(options.allowLoopback);
  return {
    send: ({ url, headers, body }) =>
      new Promise<SendResult>((resolve) => {
        const target = new URL(url);
        const refused = literalRefusal(target, options.allowLoopback);
        if (refused) return resolve({ kind: 'failed', error: refused });
        const started = performance.now();
        const elapsed = () => Math.round(performance.now() - started);
        let settled = false;
        const finish = (result: SendResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve(result);
        };
        const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
        const request = send(
          target,
          { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup, agent: false },
          (response) => {
            let received = 0;
            response.on('data', (chunk: Buffer) => {
              received += chunk.length;
              if (received > 65_536) response.destroy();
            });
            const status = response.statusCode ?? 0;
            response.on('end', () => finish({ kind: 'answered', status, latencyMs: elapsed() }));
            response.on('close', () => finish({ kind: 'answered', status, latencyMs: elapsed() }));
            response.on('error', () => finish({ kind: 'answered', status, latencyMs: elapsed() }));
          },
        );
        const deadline = setTimeout(() => {
          request.destroy();
          finish({ kind: 'failed', error: `timeout after ${timeoutMs / 1000} s`, latencyMs: elapsed() });
        }, timeoutMs);
        request.on('error', (error: NodeJS.ErrnoException) => {
          const reason = error instanceof ForbiddenAddressError ? error.message : `connection failed (${error.code ?? error.name})`;
          finish({ kind: 'failed', error: reason, latencyMs: elapsed() });
        });
        request.end(body);
      }),
  };
}
