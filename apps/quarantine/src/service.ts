import { ServiceDefinition } from '@ct/runtime';
import { QuarantineEnv, refuseDevelopmentSecrets } from './config';
import { migrations } from './migrations';
import { QuarantineModule } from './quarantine.module';

export const QuarantineService: ServiceDefinition<QuarantineEnv> = {
  name: 'quarantine',
  schema: 'quarantine',
  title: 'Quarantine',
  description: 'Quarantine orders, test schedules, results and releases',
  envSchema: QuarantineEnv,
  migrations,
  module: (env) => {
    refuseDevelopmentSecrets(env);
    return QuarantineModule.register(env);
  },
  // A super-spreader's contacts arrive as one burst on contacts.v1: big fetches, several partitions at once.
  consumer: (env) => ({
    concurrency: env.QUARANTINE_CONSUMER_CONCURRENCY,
    maxBytesPerPartition: env.QUARANTINE_FETCH_MAX_BYTES_PER_PARTITION,
  }),
};
