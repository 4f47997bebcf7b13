/**
 * The architecture's boundaries, as rules (`npm run lint` runs them; ARCHITECTURE.md explains why).
 *
 *   apps  →  libs/runtime  →  libs/messaging  →  libs/platform  →  libs/contracts
 *
 * - An app never imports another app (each is its own process; they talk through Kafka only).
 *   Tests may import the apps they start.
 * - A lib imports only the libs below it, never an app or a tool.
 * - Only libs/messaging imports kafkajs (tools/ and tests drive brokers directly).
 * - Domain folders (`domain/`) are plain TypeScript: no Nest, TypeORM, kafkajs or pg.
 * - Test-only helpers (`libs/<lib>/src/testing`: TopicTap, the PRNG, sample payloads) are for tests,
 *   benchmarks and tools, never for production code in apps/ or libs/.
 */
const TEST = '(\\.(spec|int-spec|e2e-spec|fault-spec)\\.ts$|^test/|^bench/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-imports-another-app',
      severity: 'error',
      comment: 'Services are separate processes that talk through Kafka; share code through libs/.',
      from: { path: '^apps/([^/]+)/', pathNot: TEST },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'lib-imports-app-or-tool',
      severity: 'error',
      comment: 'Libraries serve the apps; they never reach back into one.',
      from: { path: '^libs/', pathNot: TEST },
      to: { path: '^(apps|tools|test|bench)/' },
    },
    {
      name: 'contracts-import-no-other-lib',
      severity: 'error',
      comment: 'libs/contracts is the bottom layer: topics and event classes only.',
      from: { path: '^libs/contracts/', pathNot: TEST },
      to: { path: '^libs/(platform|messaging|runtime)/' },
    },
    {
      name: 'platform-imports-only-contracts',
      severity: 'error',
      from: { path: '^libs/platform/', pathNot: TEST },
      to: { path: '^libs/(messaging|runtime)/' },
    },
    {
      name: 'messaging-below-runtime',
      severity: 'error',
      from: { path: '^libs/messaging/', pathNot: TEST },
      to: { path: '^libs/runtime/' },
    },
    {
      name: 'only-messaging-imports-kafkajs',
      severity: 'error',
      comment: 'libs/messaging is the one door to Kafka: transport, outbox, DLQ, admin, monitoring.',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/messaging/', TEST] },
      to: { path: '(^|/)node_modules/kafkajs/' },
    },
    {
      name: 'testing-helpers-only-in-tests',
      severity: 'error',
      comment: 'Import test helpers from @ct/<lib>/testing in tests, benchmarks and tools only.',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/[^/]+/src/testing/', TEST] },
      to: { path: '^libs/[^/]+/src/testing/' },
    },
    {
      name: 'domain-is-plain-typescript',
      severity: 'error',
      comment: 'Domain rules must run and be tested without a framework, a database or a broker.',
      from: { path: '/domain/' },
      to: { path: '(^|/)node_modules/(@nestjs|typeorm|kafkajs|pg|pg-copy-streams)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: TEST },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
