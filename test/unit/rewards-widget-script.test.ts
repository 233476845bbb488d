import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { buildRewardsWidget, generatedRewardsModule, REWARDS_GENERATED_MODULE, REWARDS_WIDGET_SOURCE } from '../../functions/loyalty/widget/build';
import { REWARDS_LOADER_NAME, rewardsWidgetFile, rewardsWidgetScript } from '../../functions/loyalty/widget/widget-script';
import { handler } from '../../functions/loyalty/rewards-widget.handler';
import { apiEvent, lambdaContext } from '../support/api-event';

/**
 * The rewards widget's script and its serving: the committed generated module is what the build makes of the source
 * today; the script defines <loyalty-rewards> once in a context with nothing of Node; the loader imports exactly the
 * hashed name; GET /l/{file} answers each with its caching and 404 problem+json for any other name. The real browser
 * is test/browser/rewards-widget.browser.test.ts.
 */
const SCRIPT_URL = 'https://api.example/l/loyalty-rewards.0123456789ab.js';

async function definitionsIn(script: string): Promise<{ name: string; observedAttributes: unknown }[]> {
  const defined = new Map<string, { observedAttributes?: unknown }>();
  const context = vm.createContext({
    URL,
    HTMLElement: class {},
    customElements: {
      get: (name: string) => defined.get(name),
      define: (name: string, constructor: { observedAttributes?: unknown }) => {
        if (defined.has(name)) throw new Error(`${name} is defined already`);
        defined.set(name, constructor);
      },
    },
  });
  for (let load = 0; load < 2; load++) {
    const module = new vm.SourceTextModule(script, { context, identifier: `${SCRIPT_URL}#${load}`, initializeImportMeta: (meta) => Object.assign(meta, { url: SCRIPT_URL }) });
    await module.link(() => {
      throw new Error('the widget script imports nothing');
    });
    await module.evaluate();
  }
  return [...defined].map(([name, constructor]) => ({ name, observedAttributes: constructor.observedAttributes }));
}

describe('the rewards widget script', () => {
  it('is what `npm run build:widget` makes of loyalty-rewards.ts today, under a name that is its content hash', async () => {
    const built = await buildRewardsWidget();
    if (readFileSync(REWARDS_GENERATED_MODULE, 'utf8') !== generatedRewardsModule(built)) throw new Error(`${REWARDS_GENERATED_MODULE} is stale: run \`npm run build:widget\` and commit it`);
    expect(rewardsWidgetScript()).toEqual(built);
    expect(built.file).toMatch(/^loyalty-rewards\.[0-9a-f]{12}\.js$/);
    expect(built.loader).toBe(`import"./${built.file}";\n`);
  });

  it('defines <loyalty-rewards> once, in a context with nothing of Node', async () => {
    const { script } = rewardsWidgetScript();
    expect(script).not.toMatch(/\b(require|process|__name|__publicField|__async)\b/);
    expect([...script].every((character) => character.charCodeAt(0) < 128)).toBe(true);
    expect(await definitionsIn(script)).toEqual([{ name: 'loyalty-rewards', observedAttributes: ['api-base', 'token', 'customer-id'] }]);
  });

  it('never parses what the API sends as HTML', () => {
    const source = readFileSync(REWARDS_WIDGET_SOURCE, 'utf8');
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(source).toMatch(/textContent/);
  });
});

describe('GET /l/{file}', () => {
  const get = (file: string, headers: Record<string, string> = {}) => handler(apiEvent({ path: `/l/${file}`, routeKey: 'GET /l/{file}', pathParameters: { file }, headers }), lambdaContext('rewardsWidget'));

  it('serves the loader revalidated every 5 minutes and the hashed script immutable, each with its ETag and a 304', async () => {
    const { file, script, loader } = rewardsWidgetScript();
    const loaderResponse = await get(REWARDS_LOADER_NAME);
    expect(loaderResponse).toMatchObject({ statusCode: 200, body: loader, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' } });
    const scriptResponse = await get(file);
    expect(scriptResponse).toMatchObject({ statusCode: 200, body: script, headers: { 'cache-control': 'public, max-age=31536000, immutable' } });
    expect(rewardsWidgetFile(file)).toEqual({ body: script, immutable: true });
    const etag = String(scriptResponse.headers?.etag);
    expect(etag).not.toBe(String(loaderResponse.headers?.etag));
    expect(await get(file, { 'if-none-match': etag })).toMatchObject({ statusCode: 304 });
  });

  it('answers any other name 404 problem+json naming the loader', async () => {
    const response = await get('loyalty-rewards.000000000000.js');
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toContain('application/problem+json');
    expect(JSON.parse(String(response.body))).toMatchObject({ status: 404, detail: expect.stringContaining('/l/loyalty-rewards.js') });
  });
});
