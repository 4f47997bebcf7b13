import { ServiceDefinition } from '@ct/runtime';
import { OpsEnv } from './config';
import { migrations } from './migrations';
import { OpsModule } from './ops.module';

export const OpsService: ServiceDefinition<OpsEnv> = {
  name: 'ops',
  schema: 'ops',
  title: 'Ops',
  description: 'Topic monitor, metrics, dashboard and surveillance',
  envSchema: OpsEnv,
  migrations,
  module: (env) => OpsModule.register(env),
};
