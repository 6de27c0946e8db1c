import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'coverage', 'bench-out', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  // Formatting is Prettier's job; these rules would fight it.
  prettier,
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // vue-tsc checks every name in a component's script (DOM globals included), as tsc does for .ts
    // files, where typescript-eslint turns this rule off for the same reason.
    rules: { 'no-undef': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Only the composition root and the IPC binding may talk to Electron.
    files: ['src/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/ipc/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Services stay free of electron; bind them in src/main/ipc.' },
          ],
        },
      ],
    },
  },
  {
    // src/shared is pure: no node built-ins, no DOM-only modules.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'fs', 'path', 'sharp', 'onnxruntime-node'],
              message: 'src/shared stays pure TypeScript.',
            },
          ],
        },
      ],
    },
  },
);
