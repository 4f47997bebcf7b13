import { ConfigError, loadConfig } from './config';
import { BaseEnv, databaseConnectionUrl, oidcSettings } from './env';

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
      loadConfig(BaseEnv, {
        DATABASE_URL: 'mysql://x',
        KAFKA_BROKERS: 'nohost',
        KAFKA_PARTITIONS_DEFAULT: 'many',
        LOG_LEVEL: 'loud',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const vars = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(vars).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_PARTITIONS_DEFAULT', 'LOG_LEVEL']);
  });
});

describe(oidcSettings.name, () => {
  it('requires an issuer, naming the variable', () => {
    expect(() => oidcSettings(loadConfig(BaseEnv, {}))).toThrow(/OIDC_ISSUER_URL: required/);
  });

  it('requires https in production and reads the claim paths and bounds the clock skew', () => {
    expect(() =>
      oidcSettings(loadConfig(BaseEnv, { NODE_ENV: 'production', OIDC_ISSUER_URL: 'http://id.example/realms/x' })),
    ).toThrow(/https/);
    const s = oidcSettings(
      loadConfig(BaseEnv, {
        NODE_ENV: 'production',
        OIDC_ISSUER_URL: 'https://id.example/realms/x',
        OIDC_ROLES_CLAIM: 'resource_access.api.roles',
      }),
    );
    expect(s).toMatchObject({
      issuer: 'https://id.example/realms/x',
      audience: 'contact-tracing-api',
      rolesClaim: 'resource_access.api.roles',
      areasClaim: 'areas',
      clockSkewSeconds: 30,
    });
    expect(() => loadConfig(BaseEnv, { OIDC_CLOCK_SKEW_SECONDS: '3600' })).toThrow(/OIDC_CLOCK_SKEW_SECONDS/);
  });
});

describe(databaseConnectionUrl.name, () => {
  it('leaves DATABASE_URL alone unless TLS is configured, and applies sslmode with libpq meaning', () => {
    expect(databaseConnectionUrl(loadConfig(BaseEnv, { DATABASE_URL: 'postgres://u:p@db:5432/ct' }))).toBe(
      'postgres://u:p@db:5432/ct',
    );
    const url = new URL(
      databaseConnectionUrl(
        loadConfig(BaseEnv, {
          DATABASE_URL: 'postgres://u:p@db:5432/ct?sslmode=disable',
          DATABASE_SSLMODE: 'verify-full',
          DATABASE_SSL_ROOT_CERT: '/etc/ct/pg-ca.pem',
        }),
      ),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      sslmode: 'verify-full',
      sslrootcert: '/etc/ct/pg-ca.pem',
      uselibpqcompat: 'true',
    });
    expect(() => loadConfig(BaseEnv, { DATABASE_SSLMODE: 'yes' })).toThrow(/DATABASE_SSLMODE/);
  });
});
