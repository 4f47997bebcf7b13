import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables every service reads. Service configs extend this class with their own. */
export class BaseEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/contact_tracing';

  @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsInt() @Min(1) @Max(1000)
  KAFKA_PARTITIONS_CHECKINS = 6;

  @IsInt() @Min(1) @Max(1000)
  KAFKA_PARTITIONS_DEFAULT = 3;

  /** HS256 signing secret for bearer tokens. Unset in development: read or generated in JWT_SECRET_FILE. */
  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsString()
  JWT_SECRET_FILE = '.local/jwt-secret';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Consumer group session: a member that stops heartbeating loses its partitions after this long. */
  @IsInt() @Min(3000) @Max(300000)
  KAFKA_SESSION_TIMEOUT_MS = 6000;

  /** Attempts of an event that fails for an unclassified reason before it is dead-lettered. */
  @IsInt() @Min(1) @Max(100)
  MESSAGING_MAX_ATTEMPTS = 5;

  /** First wait between attempts; doubled each attempt (infrastructure outages: up to 5 s). */
  @IsInt() @Min(10) @Max(60000)
  MESSAGING_RETRY_BACKOFF_MS = 200;

  @IsIn(['true', 'false'])
  @Transform(({ value }) => String(value))
  DB_MIGRATE_ON_BOOT: 'true' | 'false' = 'true';
}

/**
 * The signing secret: JWT_SECRET when set; otherwise (never in production) the local secret file,
 * created with 48 random bytes on first use and kept out of git (.local/ is ignored).
 */
export function resolveJwtSecret(env: Pick<BaseEnv, 'JWT_SECRET' | 'JWT_SECRET_FILE' | 'NODE_ENV'>): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (env.NODE_ENV === 'production') {
    throw new Error('JWT_SECRET is required when NODE_ENV=production');
  }
  const file = resolve(env.JWT_SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
