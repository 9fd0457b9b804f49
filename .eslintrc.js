/* Lint rules that carry the architecture (STYLE.md): the engine stays pure, files stay small. */
module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
  plugins: ['@typescript-eslint'],
  extends: ['eslint:recommended', 'plugin:@typescript-eslint/recommended'],
  env: { node: true, es2022: true },
  ignorePatterns: ['dist/', 'node_modules/', 'src/**/static/**', 'src/**/assets/**'],
  rules: {
    'max-lines': ['warn', { max: 320, skipBlankLines: true, skipComments: true }],
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
  },
  overrides: [
    {
      files: ['src/**/*.ts'],
      excludedFiles: ['src/**/store.ts', 'src/db/**', 'src/**/store/*.ts'],
      rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'mongoose', message: 'only store.ts files and src/db import mongoose' }] }] },
    },
    {
      files: ['src/engine/**/*.ts'],
      rules: {
        'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'mongoose', 'axios', 'telegraf', 'winston', 'express', '../*/**', '../../*'] }],
        'no-restricted-syntax': ['error',
          { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'engine is pure: pass now in' },
          { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'engine is pure: pass now in' },
          { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'engine is pure: no randomness' }],
      },
    },
    { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'max-lines': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  ],
};
