// Jest transform: TypeScript to ESM with esbuild (already a dependency for Lambda bundles).
// Type checking is a separate tier (`npm run typecheck`), so tests stay fast.
const { transformSync } = require('esbuild');

module.exports = {
  process(sourceText, sourcePath) {
    const result = transformSync(sourceText, {
      loader: sourcePath.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: sourcePath,
    });
    return { code: result.code };
  },
};
