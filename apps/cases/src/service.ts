import { ServiceDefinition } from '@ct/runtime';
import { CasesEnv } from './config';
import { migrations } from './migrations';
import { CasesModule } from './cases.module';
import { uploadBody } from './shared/infrastructure/upload-body';

export const CasesService: ServiceDefinition<CasesEnv> = {
  name: 'cases',
  schema: 'cases',
  title: 'Cases',
  description: 'Persons, cases (F0), investigations and declared contacts',
  envSchema: CasesEnv,
  migrations,
  module: (env) => CasesModule.register(env),
  // POST /lab-results, /imports/* and /arrivals.csv read their file (CSV or FHIR JSON) themselves.
  configure: (app, env) => app.use(uploadBody(env.CASES_UPLOAD_MAX_BYTES)),
  // A super-spreader's quarantine orders (and their notifications) arrive as a burst: partitions at once.
  consumer: (env) => ({ concurrency: env.CASES_CONSUMER_CONCURRENCY }),
  retention: (env) => ({
    PERSON_ERASURE_AFTER_DAYS: env.PERSON_ERASURE_AFTER_DAYS,
    PERSON_ERASURE_INTERVAL_MINUTES: env.PERSON_ERASURE_INTERVAL_MINUTES,
  }),
};
