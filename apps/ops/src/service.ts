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
  retention: (env) => ({
    OPS_DLQ_PAYLOAD_RETENTION_DAYS: env.OPS_DLQ_PAYLOAD_RETENTION_DAYS,
    OPS_DLQ_RETENTION_INTERVAL_MINUTES: env.OPS_DLQ_RETENTION_INTERVAL_MINUTES,
  }),
};
