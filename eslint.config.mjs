// Flat config: typescript-eslint's recommended rules, plus the rule that keeps the Temporal
// workflow bundle deterministic (no Node built-ins or clients inside src/workflows).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.local/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // CommonJS config files (jest.config.js) run in Node.
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:|fs$|http$|https$|net$|crypto$|child_process$)',
              message: 'Workflows run in a deterministic sandbox: do I/O in an activity.',
            },
            {
              regex:
                '^(prom-client|axios|@kubernetes/client-node|@temporalio/(client|worker|activity))$',
              message: 'Workflows must not use clients or metrics: call an activity or a sink.',
            },
          ],
        },
      ],
    },
  },
);
