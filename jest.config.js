// Each test tier is its own jest project so it can run alone (`npm run test:unit`, ...).
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.cjs' },
  moduleFileExtensions: ['ts', 'js', 'json', 'cjs', 'mjs'],
  testEnvironment: 'node',
};

export default {
  // Integration and end-to-end tests wait on real processes; unit tests finish in milliseconds either way.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/support/dynamodb-global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/dynamodb-global-teardown.mjs',
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.infra.test.ts'] },
    { ...common, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'] },
    // A real browser (Debian's Chromium, driven by playwright-core) against the runtime; skipped without Chromium.
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser.test.ts'] },
  ],
};
