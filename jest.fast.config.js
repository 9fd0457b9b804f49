/**
 * `npm run test:fast`: the edit loop's suite, under a minute on a quiet two-core machine.
 * Unit and transcript tests (no I/O) plus a few quick integration files that still cross the
 * real HTTP server and the embedded database on the main paths: a webhook through the
 * pipeline, the web chat routes, the locks. The browser, reliability, fuzz, held-out and long
 * end-to-end files run in `npm test` (the whole suite, what CI runs).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/unit/**/*.test.ts',
    '<rootDir>/test/transcripts/**/*.test.ts',
    '<rootDir>/test/integration/conversations/pipeline.test.ts',
    '<rootDir>/test/integration/webchat/routes.test.ts',
    '<rootDir>/test/integration/foundation/locks.test.ts',
  ],
  // The held-out understanding gate compares every training example with every held-out
  // message (a minute and more of CPU): `npm test` and `npm run nlu:eval` run it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/nlu/heldout.test.ts'],
};
