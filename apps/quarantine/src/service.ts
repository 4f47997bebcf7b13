import { ServiceDefinition } from '@ct/runtime';
import { QuarantineEnv } from './config';
import { migrations } from './migrations';
import { QuarantineModule } from './quarantine.module';

export const QuarantineService: ServiceDefinition<QuarantineEnv> = {
  name: 'quarantine',
  schema: 'quarantine',
  title: 'Quarantine',
  description: 'Quarantine orders, test schedules, results and releases',
  envSchema: QuarantineEnv,
  migrations,
  module: (env) => QuarantineModule.register(env),
};
