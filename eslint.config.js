import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'coverage/', '.bench/', 'dist/', 'client/dist/', 'console/dist/', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // `import { z }` (or the default import) pulls all of zod's locales into every Lambda bundle (~370 KiB);
      // the namespace import is tree-shaken by esbuild.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use `import * as z from 'zod'`: the named z import bundles every locale.",
        },
      ],
    },
  },
  {
    // Lambda code never imports the topology: a handler carries its own contracts only (see CONTRIBUTING.md).
    files: ['functions/**/*.ts', 'shared/**/*.ts', 'events/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/infra/**'], message: 'Function code must not import infra/ (the topology, CDK or the local runtime).' }],
        },
      ],
    },
  },
);
