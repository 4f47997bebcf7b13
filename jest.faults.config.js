// The fault-injection suite (`npm run test:faults`, issue 12, docs/RELIABILITY.md): services run as
// their own processes from the build (dist/), against brokers each scenario starts and kills itself
// (a single broker, a 3-node KRaft cluster), and a fresh PostgreSQL database. Never alongside
// `npm test` on the same TEST_DATABASE_NAME.
const base = require('./jest.config.js');
const { moduleNameMapper, transform } = base.projects[0];
module.exports = {
  rootDir: __dirname,
  testTimeout: 240000,
  setupFiles: ['reflect-metadata'],
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/global-teardown.ts',
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
};
