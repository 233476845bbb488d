import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';
import { buildWidgetScript, generatedModule, GENERATED_MODULE, WIDGET_SOURCE } from '../../functions/testimonials/widget/build';
import { wallWidgetScript } from '../../functions/testimonials/widget/widget-script';

/**
 * The widget's script is one string, the same in every place it is read: the committed generated module is what the
 * build makes of the source today; the string runs in a context that has nothing of Node's (no require, process or
 * bundler helper such as keepNames' __name); and it comes out byte for byte from a Lambda bundle built with the
 * repository's settings (and with keepNames, as CDK's NodejsFunction may set it) and from tsx. The real browser is
 * test/browser/wall-widget.browser.test.ts.
 */
const root = process.cwd();
const SCRIPT_URL = 'https://api.example/widget/loyalty-wall.js';

interface Definition {
  name: string;
  observedAttributes: unknown;
}

/**
 * Evaluates the script as an ES module in a fresh V8 context holding only the few browser globals its top level
 * touches (stubs: nothing is rendered here). Returns what it defined.
 */
async function evaluateInFreshContext(script: string): Promise<Definition[]> {
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
  // Twice, as on a page with two script tags: the second must leave the first definition alone.
  for (let load = 0; load < 2; load++) {
    const module = new vm.SourceTextModule(script, { context, identifier: `${SCRIPT_URL}#${load}`, initializeImportMeta: (meta) => Object.assign(meta, { url: SCRIPT_URL }) });
    await module.link(() => {
      throw new Error('the widget script imports nothing');
    });
    await module.evaluate();
  }
  return [...defined].map(([name, constructor]) => ({ name, observedAttributes: constructor.observedAttributes }));
}

describe('the wall widget script', () => {
  it('is what `npm run build:widget` makes of loyalty-wall.ts today', async () => {
    const built = await buildWidgetScript();
    const committed = readFileSync(GENERATED_MODULE, 'utf8');
    if (committed !== generatedModule(built)) throw new Error(`${GENERATED_MODULE} is stale: run \`npm run build:widget\` and commit it`);
    expect(wallWidgetScript()).toBe(built);
  });

  it('is a self-contained ES module that defines <loyalty-wall> once, in a context with nothing of Node', async () => {
    const script = wallWidgetScript();
    expect(script).not.toMatch(/\b(require|process|__name|__publicField|__async)\b/);
    expect(await evaluateInFreshContext(script)).toEqual([{ name: 'loyalty-wall', observedAttributes: ['wall-id', 'api-base', 'theme', 'avatars'] }]);
  });

  it('never parses data as HTML, and is under its 12 KB gzip budget even uncompressed (npm run bench measures it gzipped)', () => {
    const source = readFileSync(WIDGET_SOURCE, 'utf8');
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(source).toMatch(/textContent/);
    expect(wallWidgetScript().length).toBeLessThan(12 * 1024);
  });

  it('comes out of a Lambda bundle (the repository esbuild settings, also with keepNames) and out of tsx unchanged', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wall-widget-'));
    try {
      const entry = join(directory, 'serve-widget.handler.ts');
      const widgetModule = resolve(root, 'functions/testimonials/widget/widget-script.ts');
      writeFileSync(
        entry,
        `import { wallWidgetScript } from ${JSON.stringify(widgetModule)};\n` +
          "export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/javascript' }, body: wallWidgetScript() });\n",
      );
      const served: string[] = [];
      for (const keepNames of [false, true]) {
        const outfile = join(directory, `handler-${keepNames}.mjs`);
        await build({ ...esbuildOptions(entry, outfile, root), keepNames });
        // A fresh Node process, as on Lambda: import the bundle and call its handler.
        const call = `const { handler } = await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write((await handler()).body);`;
        served.push(execFileSync(process.execPath, ['--input-type=module', '-e', call], { encoding: 'utf8' }));
      }
      const print = `import { wallWidgetScript } from ${JSON.stringify(pathToFileURL(widgetModule).href)}; process.stdout.write(wallWidgetScript());`;
      served.push(execFileSync(resolve(root, 'node_modules/.bin/tsx'), ['--eval', print], { encoding: 'utf8', cwd: root }));
      for (const script of served) expect(script).toBe(wallWidgetScript());
      expect(await evaluateInFreshContext(served[1] as string)).toHaveLength(1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
