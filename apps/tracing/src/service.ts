import { ServiceDefinition } from '@ct/runtime';
import { TracingEnv } from './config';
import { migrations } from './migrations';
import { TracingModule } from './tracing.module';

export const TracingService: ServiceDefinition<TracingEnv> = {
  name: 'tracing',
  schema: 'tracing',
  title: 'Tracing',
  description: 'Visit store, contact tracing engine and contact graph',
  envSchema: TracingEnv,
  migrations,
  module: (env) => TracingModule.register(env),
  retention: (env) => ({
    CHECKIN_RETENTION_DAYS: env.CHECKIN_RETENTION_DAYS,
    TRACING_CONTACT_RETENTION_DAYS: env.TRACING_CONTACT_RETENTION_DAYS,
    RETENTION_INTERVAL_MINUTES: env.RETENTION_INTERVAL_MINUTES,
  }),
  // checkins.v1 is a firehose: several partitions written at once, big fetches for big batched statements.
  consumer: (env) => ({
    concurrency: env.CHECKIN_CONSUMER_CONCURRENCY,
    maxBytesPerPartition: env.CHECKIN_FETCH_MAX_BYTES_PER_PARTITION,
  }),
};
