import { ServiceDefinition } from '@ct/runtime';
import { CasesEnv } from './config';
import { migrations } from './migrations';
import { CasesModule } from './cases.module';

export const CasesService: ServiceDefinition<CasesEnv> = {
  name: 'cases',
  schema: 'cases',
  title: 'Cases',
  description: 'Persons, cases (F0), investigations and declared contacts',
  envSchema: CasesEnv,
  migrations,
  module: (env) => CasesModule.register(env),
  retention: (env) => ({
    PERSON_ERASURE_AFTER_DAYS: env.PERSON_ERASURE_AFTER_DAYS,
    PERSON_ERASURE_INTERVAL_MINUTES: env.PERSON_ERASURE_INTERVAL_MINUTES,
  }),
};
