import { ALL_TOPICS } from '@ct/contracts';
import { ServiceDefinition } from '@ct/runtime';
import { OpsEnv } from './config';
import { migrations } from './migrations';
import { MONITORED_TOPICS, SERVICE_GROUPS } from './monitor/topic-monitor.service';
import { OpsModule } from './ops.module';

export const OpsService: ServiceDefinition<OpsEnv> = {
  name: 'ops',
  schema: 'ops',
  title: 'Ops',
  description: 'Topic monitor, metrics, dashboard and surveillance',
  envSchema: OpsEnv,
  migrations,
  module: (env) => OpsModule.register(env),
  // The topic monitor reads every topic and .dlq in its own group and the other groups' offsets
  // (lag); a dead letter's replay is sent back to its original topic.
  kafkaAccess: (env) => ({
    reads: MONITORED_TOPICS,
    groups: [env.OPS_MONITOR_GROUP],
    describeGroups: SERVICE_GROUPS,
    writes: ALL_TOPICS,
  }),
  retention: (env) => ({
    OPS_DLQ_PAYLOAD_RETENTION_DAYS: env.OPS_DLQ_PAYLOAD_RETENTION_DAYS,
    OPS_DLQ_RETENTION_INTERVAL_MINUTES: env.OPS_DLQ_RETENTION_INTERVAL_MINUTES,
    OPS_EXPOSURE_RETENTION_DAYS: env.OPS_EXPOSURE_RETENTION_DAYS,
  }),
};
