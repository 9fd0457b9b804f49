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
      rules: {
        'no-restricted-imports': ['error', { paths: [{ name: 'mongoose', message: 'only store.ts files and src/db import mongoose' }] }],
        // Each area's queries live in its store (STYLE §3, issue 17): outside it, no model is
        // imported or touched, and no group insert is made; call a store function named for
        // what it does.
        'no-restricted-syntax': ['error',
          { selector: 'ImportDeclaration[source.value=/store/] ImportSpecifier[imported.name=/Model$/]', message: "database models stay in their area's store: call a store function" },
          { selector: 'MemberExpression[object.name=/^[A-Z][A-Za-z]*Model$/]', message: "queries live in the area's store.ts (or store/)" },
          { selector: "NewExpression[callee.name='GroupInsert']", message: "group inserts live in the area's store" }],
      },
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
