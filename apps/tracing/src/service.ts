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
};
