import { ConfigError, loadConfig } from './config';
import { BaseEnv, resolveJwtSecret } from './env';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe(loadConfig.name, () => {
  it('applies defaults and converts numbers', () => {
    const env = loadConfig(BaseEnv, { KAFKA_PARTITIONS_CHECKINS: '12' });
    expect(env.KAFKA_PARTITIONS_CHECKINS).toBe(12);
    expect(env.KAFKA_PARTITIONS_DEFAULT).toBe(3);
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/contact_tracing');
  });

  it('names every malformed variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(BaseEnv, { DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'nohost', KAFKA_PARTITIONS_DEFAULT: 'many', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const vars = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(vars).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_PARTITIONS_DEFAULT', 'LOG_LEVEL']);
  });
});

describe(resolveJwtSecret.name, () => {
  it('generates a local secret once and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ct-')), 'sub', 'secret');
    const first = resolveJwtSecret({ JWT_SECRET_FILE: file, NODE_ENV: 'development' });
    expect(first.length).toBeGreaterThanOrEqual(48);
    expect(resolveJwtSecret({ JWT_SECRET_FILE: file, NODE_ENV: 'development' })).toBe(first);
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('refuses to generate one in production', () => {
    expect(() => resolveJwtSecret({ JWT_SECRET_FILE: '/nonexistent/x', NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
  });
});
