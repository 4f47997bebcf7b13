import { ConfigError, loadConfig } from '@ct/platform';
import { DEV_SELF_REPORT_SECRET, QuarantineEnv, refuseDevelopmentSecrets } from './config';

describe('quarantine configuration: the self-report key', () => {
  const check = (env: Record<string, string | undefined>) => () =>
    refuseDevelopmentSecrets(loadConfig(QuarantineEnv, env));

  it('refuses a missing or default CARE_SELF_REPORT_SECRET in production, without repeating it', () => {
    for (const env of [
      { NODE_ENV: 'production' },
      { NODE_ENV: 'production', CARE_SELF_REPORT_SECRET: DEV_SELF_REPORT_SECRET },
    ]) {
      let err: unknown;
      try {
        check(env)();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        expect.stringMatching(/^CARE_SELF_REPORT_SECRET: .*NODE_ENV=production/),
      ]);
      expect((err as Error).message).not.toContain(DEV_SELF_REPORT_SECRET);
    }
  });

  it('accepts a key of its own in production, and the default in development and tests', () => {
    expect(check({ NODE_ENV: 'production', CARE_SELF_REPORT_SECRET: 'k'.repeat(32) })).not.toThrow();
    expect(check({ NODE_ENV: 'development' })).not.toThrow();
    expect(check({ NODE_ENV: 'test' })).not.toThrow();
  });
});
