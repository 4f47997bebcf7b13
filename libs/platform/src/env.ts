import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import type { OidcSettings } from './auth';
import { ConfigError } from './config';
import { KafkaClientEnv } from './kafka-env';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Variables every service reads (the Kafka connection's, KAFKA_BROKERS and KAFKA_SECURITY_PROTOCOL…,
 * are KafkaClientEnv's, shared with the feed CLI and the tools). Service configs extend this class.
 */
export class BaseEnv extends KafkaClientEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/contact_tracing';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * TLS to PostgreSQL, with libpq's meaning: disable, require (encrypted, server not checked),
   * verify-ca (needs DATABASE_SSL_ROOT_CERT), verify-full (production: encrypted, the server's
   * certificate and name checked). Unset: whatever DATABASE_URL says (no TLS when it says nothing).
   * (`prefer` is not offered: the driver cannot fall back to plain text.)
   */
  @IsOptional()
  @IsIn(['disable', 'require', 'verify-ca', 'verify-full'])
  DATABASE_SSLMODE?: 'disable' | 'require' | 'verify-ca' | 'verify-full';

  /** CA certificate file (PEM) that signed the PostgreSQL server's certificate, for verify-ca/verify-full. */
  @IsOptional()
  @IsString()
  DATABASE_SSL_ROOT_CERT?: string;

  /**
   * Create the topics (and their .dlq) at start-up. `false` when the service's Kafka principal may
   * not create topics (ACLs: `npm run kafka -- acls` provisions them as the admin).
   */
  @IsIn(['true', 'false'])
  @Transform(({ value }) => String(value))
  KAFKA_PROVISION_TOPICS: 'true' | 'false' = 'true';

  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS_CHECKINS = 6;

  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS_DEFAULT = 3;

  /**
   * Days the broker keeps checkins.v1 and contacts.v1 (venues and times of stays, derived from
   * check-ins): retention.ms, set when a topic is created and brought to this value on every start.
   * 0 = the broker's default (development only; refused in production).
   */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(3650)
  KAFKA_RETENTION_CHECKINS_DAYS = 21;

  /** Days the broker keeps cases.v1, quarantine.v1, testing.v1, surveillance.v1 and care.v1 (0: as above). */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(3650)
  KAFKA_RETENTION_EVENTS_DAYS = 30;

  /** Days the broker keeps every `<topic>.dlq` (dead letters carry the original payload; 0: as above). */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(3650)
  KAFKA_RETENTION_DLQ_DAYS = 21;

  /**
   * The OpenID Connect issuer whose tokens the API accepts (discovery at
   * <issuer>/.well-known/openid-configuration, keys from its JWKS). Required by every service;
   * `npm start` and the tests set it to the local development issuer (tools/oidc).
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'OIDC_ISSUER_URL must be an http(s) URL' })
  OIDC_ISSUER_URL?: string;

  /** The audience (`aud`) a token must name: the API's client id at the identity provider. */
  @IsString()
  @MinLength(1)
  OIDC_AUDIENCE = 'contact-tracing-api';

  /** Dotted path of the claim with the roles (Keycloak realm roles: realm_access.roles). */
  @Matches(/^[\w-]+(\.[\w-]+)*$/, {
    message: 'OIDC_ROLES_CLAIM must be a dotted claim path such as realm_access.roles',
  })
  OIDC_ROLES_CLAIM = 'realm_access.roles';

  /**
   * JSON file of the administrative areas ({ description, areas: [{ code, name, level, parentCode,
   * population }] }): validates areaCodes (cases), keeps figures (ops) and says which areas a token's
   * areas cover (every service: an area and everything below it).
   */
  @IsString()
  @MinLength(1)
  AREAS_FILE = 'data/areas/quang-nam.json';

  /** Dotted path of the claim with the area codes the holder serves. */
  @Matches(/^[\w-]+(\.[\w-]+)*$/, { message: 'OIDC_AREAS_CLAIM must be a dotted claim path such as areas' })
  OIDC_AREAS_CLAIM = 'areas';

  /** Clock difference with the issuer that exp/nbf/iat tolerate, seconds (at most 300). */
  @IsInt()
  @Min(0)
  @Max(300)
  OIDC_CLOCK_SKEW_SECONDS = 30;

  /** Shortest interval between two JWKS downloads triggered by an unknown key id, seconds. */
  @IsInt()
  @Min(0)
  @Max(3600)
  OIDC_JWKS_COOLDOWN_SECONDS = 30;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Consumer group session: a member that stops heartbeating loses its partitions after this long. */
  @IsInt()
  @Min(3000)
  @Max(300000)
  KAFKA_SESSION_TIMEOUT_MS = 6000;

  /** Attempts of an event that fails for an unclassified reason before it is dead-lettered. */
  @IsInt()
  @Min(1)
  @Max(100)
  MESSAGING_MAX_ATTEMPTS = 5;

  /** First wait between attempts; doubled each attempt (infrastructure outages: up to 5 s). */
  @IsInt()
  @Min(10)
  @Max(60000)
  MESSAGING_RETRY_BACKOFF_MS = 200;

  @IsIn(['true', 'false'])
  @Transform(({ value }) => String(value))
  DB_MIGRATE_ON_BOOT: 'true' | 'false' = 'true';
}

/**
 * The token checks a service applies. Fails with a ConfigError naming the variable when no issuer is
 * configured, or (in production) when the issuer is not reached over https (loopback excepted).
 */
export function oidcSettings(
  env: Pick<
    BaseEnv,
    | 'NODE_ENV'
    | 'OIDC_ISSUER_URL'
    | 'OIDC_AUDIENCE'
    | 'OIDC_ROLES_CLAIM'
    | 'OIDC_AREAS_CLAIM'
    | 'OIDC_CLOCK_SKEW_SECONDS'
    | 'OIDC_JWKS_COOLDOWN_SECONDS'
  >,
): OidcSettings {
  if (!env.OIDC_ISSUER_URL) {
    throw new ConfigError([
      'OIDC_ISSUER_URL: required: the OpenID Connect issuer whose tokens the API accepts (npm start sets it to the local development issuer)',
    ]);
  }
  const loopback = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(env.OIDC_ISSUER_URL);
  if (env.NODE_ENV === 'production' && !env.OIDC_ISSUER_URL.startsWith('https://') && !loopback) {
    throw new ConfigError([
      `OIDC_ISSUER_URL: must be an https URL when NODE_ENV=production (got ${JSON.stringify(env.OIDC_ISSUER_URL)})`,
    ]);
  }
  return {
    issuer: env.OIDC_ISSUER_URL,
    audience: env.OIDC_AUDIENCE,
    rolesClaim: env.OIDC_ROLES_CLAIM,
    areasClaim: env.OIDC_AREAS_CLAIM,
    clockSkewSeconds: env.OIDC_CLOCK_SKEW_SECONDS,
    jwksCooldownSeconds: env.OIDC_JWKS_COOLDOWN_SECONDS,
  };
}

/**
 * The connection URL a service uses: DATABASE_URL with DATABASE_SSLMODE / DATABASE_SSL_ROOT_CERT
 * applied (libpq semantics, so `require` encrypts without checking the certificate, as psql does).
 */
export function databaseConnectionUrl(
  env: Pick<BaseEnv, 'DATABASE_URL' | 'DATABASE_SSLMODE' | 'DATABASE_SSL_ROOT_CERT'>,
): string {
  if (!env.DATABASE_SSLMODE && !env.DATABASE_SSL_ROOT_CERT) return env.DATABASE_URL;
  const url = new URL(env.DATABASE_URL);
  if (env.DATABASE_SSLMODE) url.searchParams.set('sslmode', env.DATABASE_SSLMODE);
  if (env.DATABASE_SSL_ROOT_CERT) url.searchParams.set('sslrootcert', env.DATABASE_SSL_ROOT_CERT);
  url.searchParams.set('uselibpqcompat', 'true');
  return url.toString();
}
