import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cachedBundles } from '../../infra/lambda-bundles';

/** The local runtime's bundle cache reuses a build only while every file that build read is unchanged. */
describe('cached bundles', () => {
  const root = mkdtempSync(join(tmpdir(), 'bundle-cache-root-'));
  const cache = join(root, 'cache');
  const functions = [{ name: 'hello', entry: 'hello.handler.ts' }];
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reuses the bundles when nothing changed, and rebuilds when an imported file changes', async () => {
    writeFileSync(join(root, 'greeting.ts'), "export const greeting = 'hello v1';\n");
    writeFileSync(join(root, 'hello.handler.ts'), "import { greeting } from './greeting';\nexport const handler = async () => greeting;\n");
    const first = (await cachedBundles(root, cache, functions)).get('hello') as string;
    expect(readFileSync(first, 'utf8')).toContain('hello v1');
    const again = (await cachedBundles(root, cache, functions)).get('hello') as string;
    expect(again).toBe(first);

    // Only the imported module changes: the entry file is the same, the digest of what was read is not.
    writeFileSync(join(root, 'greeting.ts'), "export const greeting = 'hello v2';\n");
    const rebuilt = (await cachedBundles(root, cache, functions)).get('hello') as string;
    expect(dirname(rebuilt)).not.toBe(dirname(first));
    expect(readFileSync(rebuilt, 'utf8')).toContain('hello v2');
    // The earlier build stays readable for a runtime that may still load from it.
    expect(readFileSync(first, 'utf8')).toContain('hello v1');
  });

  it('keeps builds of other function sets apart', async () => {
    writeFileSync(join(root, 'bye.handler.ts'), "export const handler = async () => 'bye';\n");
    const both = await cachedBundles(root, cache, [...functions, { name: 'bye', entry: 'bye.handler.ts' }]);
    expect(readFileSync(both.get('bye') as string, 'utf8')).toContain('bye');
    expect((await cachedBundles(root, cache, functions)).get('hello')).not.toBe(both.get('hello'));
  });
});
