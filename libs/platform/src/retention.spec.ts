import { ConfigError, loadConfig } from './config';
import { BaseEnv } from './env';
import { refuseUnboundedRetention } from './retention';

function problemsOf(fn: () => void): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe(refuseUnboundedRetention.name, () => {
  it('refuses in production a retention that is zero, negative or absent, naming each variable', () => {
    const problems = problemsOf(() =>
      refuseUnboundedRetention(
        { NODE_ENV: 'production' },
        { KAFKA_RETENTION_CHECKINS_DAYS: 0, RETENTION_INTERVAL_MINUTES: -5, X_DAYS: undefined, OK_DAYS: 21 },
      ),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'KAFKA_RETENTION_CHECKINS_DAYS',
      'RETENTION_INTERVAL_MINUTES',
      'X_DAYS',
    ]);
    expect(problems[0]).toMatch(/must be a positive number when NODE_ENV=production \(got 0\)/);
    expect(problems[2]).toMatch(/got nothing/);
  });

  it('accepts positive values in production and anything outside production', () => {
    expect(problemsOf(() => refuseUnboundedRetention({ NODE_ENV: 'production' }, { A_DAYS: 21, B: 0.5 }))).toEqual([]);
    expect(problemsOf(() => refuseUnboundedRetention({ NODE_ENV: 'development' }, { A_DAYS: 0 }))).toEqual([]);
    expect(problemsOf(() => refuseUnboundedRetention({ NODE_ENV: 'test' }, { A_DAYS: undefined }))).toEqual([]);
  });

  it('reads the topic retention variables as numbers; a negative one fails validation everywhere', () => {
    const env = loadConfig(BaseEnv, { KAFKA_RETENTION_CHECKINS_DAYS: '14', KAFKA_RETENTION_DLQ_DAYS: '0.5' });
    expect([env.KAFKA_RETENTION_CHECKINS_DAYS, env.KAFKA_RETENTION_EVENTS_DAYS, env.KAFKA_RETENTION_DLQ_DAYS]).toEqual([
      14, 30, 0.5,
    ]);
    const problems = problemsOf(() => loadConfig(BaseEnv, { KAFKA_RETENTION_EVENTS_DAYS: '-1' }));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['KAFKA_RETENTION_EVENTS_DAYS']);
  });
});
