import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { consoleSecurityHeaders } from '../../console/headers';
import { requestUrl } from './request-target';

/**
 * The marketer console on the local runtime: a static host for console/dist at /console/ (not a Lambda route and not
 * in the API description — on AWS the console is static files on a CDN). index.html and config.json are revalidated
 * on every load; the content-hashed assets are immutable. config.json tells the console the API is on this origin,
 * that marketers sign in with the local issuer (POST /_local/tokens), and where the event journal is (the Events
 * page). Every answer carries the console's security headers.
 */
export const CONSOLE_PATH = '/console';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The names the build writes into assets/ (console-<hash>.js and .css, their licence notices). */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const LOCAL_CONSOLE_CONFIG = { apiBaseUrl: '', signIn: { kind: 'local', tokenUrl: '/_local/tokens' }, localEventsUrl: '/_local/events' } as const;

export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

export class ConsoleHost {
  constructor(private readonly dist: string) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = requestUrl(request);
    const method = (request.method ?? 'GET').toUpperCase();
    for (const [name, value] of Object.entries(consoleSecurityHeaders())) response.setHeader(name, value);
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return this.text(response, 405, 'The console is static: GET or HEAD only.');
    }
    // Relative asset URLs need the trailing slash.
    if (url.pathname === CONSOLE_PATH) {
      response.statusCode = 308;
      response.setHeader('location', `${CONSOLE_PATH}/${url.search}`);
      return void response.end();
    }
    const rest = url.pathname.slice(CONSOLE_PATH.length + 1);
    if (rest === 'config.json') return this.send(response, method, 200, 'application/json', Buffer.from(JSON.stringify(LOCAL_CONSOLE_CONFIG)), 'no-cache');
    if (rest === '' || rest === 'index.html') return this.file(response, method, 'index.html', 'no-cache');
    const asset = /^assets\/(.+)$/.exec(rest)?.[1];
    if (asset !== undefined && ASSET_NAME.test(asset) && CONTENT_TYPES[extname(asset)]) return this.file(response, method, join('assets', asset), 'public, max-age=31536000, immutable');
    return this.text(response, 404, `No console file ${url.pathname}`);
  }

  private async file(response: ServerResponse, method: string, name: string, cacheControl: string): Promise<void> {
    let body: Buffer;
    try {
      body = await readFile(join(this.dist, name));
    } catch {
      if (name === 'index.html') return this.text(response, 503, 'The console is not built: run `npm run build:console` (npm install and npm start build it too).');
      return this.text(response, 404, `No console file ${name}`);
    }
    return this.send(response, method, 200, CONTENT_TYPES[extname(name)] ?? 'application/octet-stream', body, cacheControl);
  }

  private send(response: ServerResponse, method: string, status: number, contentType: string, body: Buffer, cacheControl: string): void {
    response.statusCode = status;
    response.setHeader('content-type', contentType);
    response.setHeader('content-length', body.length);
    response.setHeader('cache-control', cacheControl);
    response.end(method === 'HEAD' ? undefined : body);
  }

  private text(response: ServerResponse, status: number, message: string): void {
    this.send(response, 'GET', status, 'text/plain; charset=utf-8', Buffer.from(message), 'no-store');
  }
}
