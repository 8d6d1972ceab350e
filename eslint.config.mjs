import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['packages/*/dist/**', 'dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', 'data/**', 'scripts/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through AppConfig (src/config).' },
      ],
    },
  },
  {
    files: ['src/config/**', 'test/**', 'src/main.ts', 'src/admin-cli.ts'], // entry points read the environment once
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The web chat's service worker: a classic script in the worker's global scope.
    files: ['packages/web/public/sw.js'],
    languageOptions: { sourceType: 'script', globals: { self: 'readonly' } },
  },
  {
    files: ['packages/*/vite.config.*', 'examples/**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: { 'no-restricted-properties': 'off' },
  },
);
