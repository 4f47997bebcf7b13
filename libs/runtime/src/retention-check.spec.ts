import { ConfigError, loadConfig } from '@ct/platform';
import { CasesService } from '../../../apps/cases/src/service';
import { OpsService } from '../../../apps/ops/src/service';
import { TracingService } from '../../../apps/tracing/src/service';
import { checkRetention, ServiceDefinition, ServiceEnv } from './bootstrap';

/** The problems checkRetention names for a service started with `vars` in the environment. */
function refused<E extends ServiceEnv>(def: ServiceDefinition<E>, vars: Record<string, string>): string[] {
  const env = loadConfig(def.envSchema, vars);
  try {
    checkRetention(def, env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/NODE_ENV=production/);
    return (err as ConfigError).problems.map((p) => p.split(':')[0]);
  }
}

describe('retention at start-up (checkRetention, run by createServiceApp and runService)', () => {
  const production = { NODE_ENV: 'production' };

  it('passes the defaults in production', () => {
    expect(refused(TracingService, production)).toEqual([]);
    expect(refused(OpsService, production)).toEqual([]);
    expect(refused(CasesService, production)).toEqual([]);
  });

  it('refuses a topic retention of 0 in production, naming the variable', () => {
    expect(refused(OpsService, { ...production, KAFKA_RETENTION_DLQ_DAYS: '0' })).toEqual(['KAFKA_RETENTION_DLQ_DAYS']);
    expect(refused(CasesService, { ...production, KAFKA_RETENTION_CHECKINS_DAYS: '0' })).toEqual([
      'KAFKA_RETENTION_CHECKINS_DAYS',
    ]);
  });

  it('refuses a service retention job that never runs in production', () => {
    expect(refused(TracingService, { ...production, RETENTION_INTERVAL_MINUTES: '0' })).toEqual([
      'RETENTION_INTERVAL_MINUTES',
    ]);
    expect(refused(OpsService, { ...production, OPS_DLQ_RETENTION_INTERVAL_MINUTES: '0' })).toEqual([
      'OPS_DLQ_RETENTION_INTERVAL_MINUTES',
    ]);
    expect(refused(CasesService, { ...production, PERSON_ERASURE_INTERVAL_MINUTES: '0' })).toEqual([
      'PERSON_ERASURE_INTERVAL_MINUTES',
    ]);
  });

  it('lets development and tests use 0 (the broker default, a job run by hand)', () => {
    const vars = { KAFKA_RETENTION_EVENTS_DAYS: '0', RETENTION_INTERVAL_MINUTES: '0' };
    expect(refused(TracingService, { ...vars, NODE_ENV: 'development' })).toEqual([]);
    expect(refused(TracingService, { ...vars, NODE_ENV: 'test' })).toEqual([]);
  });
});
