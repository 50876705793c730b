// Type-aware lint (typescript-eslint), after Immich's server/eslint.config.mjs: the rules that catch
// real bugs in a Nest + pg-boss code base (unawaited promises, promises passed where a callback
// returns void, non-exhaustive switches over unions) and the import rules that keep libs apart.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stryker-tmp/**', 'reports/**', 'coverage/**', '.data/**', '.tools/**', 'test/artifacts/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../*', '../../../*'], message: 'No climbing relative imports: use the @beacon/<lib> alias.' },
            { group: ['@beacon/*/src/*', '@beacon/*/src'], message: "Import a lib through its public face (@beacon/<lib>), not its internals." },
          ],
        },
      ],
    },
  },
  {
    // A row type on every raw query: `query<Row[]>(…)`, or the untyped call wrapped in `rowsOf<Row>(…)`,
    // so no `any` flows out of a repository.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query']:not([typeArguments]):not(CallExpression[callee.name='rowsOf'] > CallExpression):not(CallExpression[callee.name='rowsOf'] > AwaitExpression > CallExpression)",
          message: 'Give the query its row type: query<Row[]>(…), or rowsOf<Row>(await query(…)) for UPDATE/DELETE.',
        },
      ],
    },
  },
  {
    // Tests and scripts sit outside the libs: they may reach a lib's files by relative path.
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@beacon/*/src/*'], message: 'Import a lib through @beacon/<lib>.' }] }],
    },
  },
);
