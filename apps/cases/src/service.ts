import { ServiceDefinition } from '@ct/runtime';
import { CasesEnv } from './config';
import { migrations } from './migrations';
import { CasesModule } from './cases.module';
import { csvBody } from './arrivals/infrastructure/csv-body';

export const CasesService: ServiceDefinition<CasesEnv> = {
  name: 'cases',
  schema: 'cases',
  title: 'Cases',
  description: 'Persons, cases (F0), investigations and declared contacts',
  envSchema: CasesEnv,
  migrations,
  module: (env) => CasesModule.register(env),
  // POST /arrivals.csv reads its body as CSV text (a checkpoint's upload, per-line errors).
  configure: (app) => app.use('/arrivals.csv', csvBody(2 * 1048576)),
  // A super-spreader's quarantine orders (and their notifications) arrive as a burst: partitions at once.
  consumer: (env) => ({ concurrency: env.CASES_CONSUMER_CONCURRENCY }),
  retention: (env) => ({
    PERSON_ERASURE_AFTER_DAYS: env.PERSON_ERASURE_AFTER_DAYS,
    PERSON_ERASURE_INTERVAL_MINUTES: env.PERSON_ERASURE_INTERVAL_MINUTES,
  }),
};
