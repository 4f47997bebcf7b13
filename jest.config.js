// Two tiers (see ARCHITECTURE.md): `unit` needs nothing running; `integration` runs against the real
// PostgreSQL and the real Kafka broker that test/global-setup.ts starts. Every file shares one
// broker and one test database, so the suite runs with --runInBand.
// ts-jest in transpile-only mode: TypeScript emits the decorator metadata Nest and
// class-validator read, and no native binary is needed (the registry here serves no swc builds
// for other platforms, which breaks `npm ci` on a lock file that names them).
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }];
const moduleNameMapper = {
  '^@ct/(contracts|messaging|platform|runtime)$': '<rootDir>/libs/$1/src',
  '^@ct/(contracts|messaging|platform|runtime)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = {
  rootDir: __dirname,
  setupFiles: ['reflect-metadata'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper,
  testEnvironment: 'node',
};
module.exports = {
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
};
