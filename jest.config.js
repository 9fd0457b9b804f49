/** Jest: ts-jest in transpile-only mode (typecheck is its own step), tests run one file at a time
 * because integration files share the machine's two cores with an embedded database each. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/jestSetup.ts'],
  testTimeout: 60000,
};
