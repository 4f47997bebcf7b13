import { KafkaAccess, KafkaEventServer, KafkaEventServerFactory, TopicProvisioner } from '@ct/messaging';
import {
  BaseEnv,
  ConfigError,
  createValidationPipe,
  JsonLogger,
  kafkaSecurity,
  loadConfig,
  OidcVerifier,
  oidcSettings,
  refuseUnboundedRetention,
  runMigrations,
  StrictInputPipe,
  Constructor,
} from '@ct/platform';
import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { authBeforeBody } from './auth-before-body';
import { DomainErrorFilter } from './domain-error.filter';

export interface ServiceEnv extends BaseEnv {
  PORT: number;
}

export interface ServiceDefinition<E extends ServiceEnv> {
  /** Service name: consumer group, Kafka client id, log field. */
  name: string;
  /** PostgreSQL schema the service owns. */
  schema: string;
  title: string;
  description: string;
  envSchema: new () => E;
  /** TypeORM migrations, in order of application. */
  migrations: Constructor[];
  module(env: E): DynamicModule;
  /** Optional: called right after the Nest app is created, before Nest's own middleware (e.g. body parsers). */
  configure?(app: INestApplication, env: E): void;
  /**
   * Optional Kafka access beyond its @HandleEvent subscriptions and the topics it publishes
   * (TOPIC_PRODUCERS): what its ACLs must also allow (libs/messaging acls.ts).
   */
  kafkaAccess?(env: E): KafkaAccess;
  /**
   * Optional: the service's own retention settings (variable name → value) that production refuses
   * when absent, zero or negative; the topics' KAFKA_RETENTION_* are always checked.
   */
  retention?(env: E): Record<string, number | undefined>;
  /** Optional Kafka consumer tuning: partitions handled at once and bytes fetched per partition. */
  consumer?(env: E): { concurrency?: number; maxBytesPerPartition?: number };
}

export interface CreatedService {
  app: INestApplication;
  logger: JsonLogger;
  server: KafkaEventServer;
  openapi: OpenAPIObject;
}

/** Refuses (NODE_ENV=production) retention settings that would keep personal data without limit. */
export function checkRetention<E extends ServiceEnv>(def: Pick<ServiceDefinition<E>, 'retention'>, env: E): void {
  refuseUnboundedRetention(env, {
    KAFKA_RETENTION_CHECKINS_DAYS: env.KAFKA_RETENTION_CHECKINS_DAYS,
    KAFKA_RETENTION_EVENTS_DAYS: env.KAFKA_RETENTION_EVENTS_DAYS,
    KAFKA_RETENTION_DLQ_DAYS: env.KAFKA_RETENTION_DLQ_DAYS,
    ...def.retention?.(env),
  });
}

export function buildOpenApi(app: INestApplication, def: { title: string; description: string }): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(def.title)
    .setDescription(def.description)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Builds a service ready to listen: schema migrated, topics provisioned, Kafka consumers running,
 * outbox relay started. Used by each app's main.ts and by the integration tests alike.
 */
export async function createServiceApp<E extends ServiceEnv>(
  def: ServiceDefinition<E>,
  env: E,
  opts: { logger?: JsonLogger; migrate?: boolean; startConsumers?: boolean } = {},
): Promise<CreatedService> {
  checkRetention(def, env);
  const logger = opts.logger ?? new JsonLogger(def.name, env.LOG_LEVEL);
  const app = await NestFactory.create(def.module(env), { logger, bufferLogs: true, abortOnError: false });
  app.useLogger(logger);
  // Before any body parser (Nest's, and a service's own in configure): no token, no body read.
  const verifier = app.get(OidcVerifier);
  app.use(authBeforeBody((token) => verifier.verify(token)));
  def.configure?.(app, env);
  app.useGlobalPipes(new StrictInputPipe(), createValidationPipe());
  app.useGlobalFilters(new DomainErrorFilter());
  app.enableShutdownHooks();

  if (opts.migrate ?? env.DB_MIGRATE_ON_BOOT === 'true') {
    const applied = await runMigrations(app.get(DataSource), def.schema);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`, 'Migrations');
  }
  const [{ rolsuper }] = await app.get(DataSource).query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
  if (rolsuper)
    logger.warn(
      `connected to PostgreSQL as a superuser: give ${def.name} its own role, which owns its schema only (README, Security: npm run db:roles)`,
      'Database',
    );
  // With ACLs a service's principal may not create topics: the admin provisions them (npm run kafka -- acls).
  // Partitions (KAFKA_PARTITIONS_*) and retention come from the service's MessagingModule options.
  if (env.KAFKA_PROVISION_TOPICS === 'true') {
    await app
      .get(TopicProvisioner)
      .provision()
      .catch((err: Error & { type?: string; errors?: { type?: string }[] }) => {
        // One refused topic is an Error of its own; several come as kafkajs's aggregate (errors[]).
        const types = [err.type, ...(err.errors ?? []).map((e) => e.type)];
        if (!types.some((t) => t?.endsWith('AUTHORIZATION_FAILED')) && !/not authorized/i.test(err.message)) throw err;
        throw new ConfigError([
          `KAFKA_PROVISION_TOPICS: ${def.name}'s Kafka principal may not create topics ` +
            `(${[...new Set(types.filter(Boolean))].join(', ') || err.message}); ` +
            'provision them as the admin (npm run kafka -- acls) and set KAFKA_PROVISION_TOPICS=false',
        ]);
      });
  }

  const server = app.get(KafkaEventServerFactory).create({
    groupId: def.name,
    log: logger.pino,
    retry: { maxAttempts: env.MESSAGING_MAX_ATTEMPTS, backoffMs: env.MESSAGING_RETRY_BACKOFF_MS },
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    ...def.consumer?.(env),
  });
  app.connectMicroservice({ strategy: server });

  const openapi = buildOpenApi(app, def);
  SwaggerModule.setup('docs', app, openapi, { jsonDocumentUrl: 'docs-json' });

  await app.init();
  // false: the caller listens on HTTP first and starts the consumers after (runService).
  if (opts.startConsumers ?? true) await app.startAllMicroservices();
  // Read the issuer's discovery document now, so a wrong OIDC_ISSUER_URL shows in the log at boot;
  // not fatal: the first request reads it again.
  void app
    .get(OidcVerifier)
    .warmUp()
    .catch((err: Error) => logger.warn(`identity provider not reachable yet: ${err.message}`, 'Auth'));
  return { app, logger, server, openapi };
}

/** How long a service whose supervisor died may take to stop before it exits anyway. */
const ORPHAN_GRACE_MS = 10_000;

/** The entry point of each app's main.ts. */
export async function runService<E extends ServiceEnv>(def: ServiceDefinition<E>): Promise<void> {
  let env: E;
  try {
    env = loadConfig(def.envSchema);
    oidcSettings(env);
    kafkaSecurity(env);
    checkRetention(def, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${def.name}: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = new JsonLogger(def.name, env.LOG_LEVEL);
  // Started by `npm start` with an IPC channel: when the supervisor is gone (even SIGKILLed), stop
  // the way Ctrl-C would (before start-up is done, SIGTERM's default action ends the process).
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => {
      logger.warn('the supervisor is gone; stopping', 'Bootstrap');
      process.kill(process.pid, 'SIGTERM');
      // Nobody is left to SIGKILL a shutdown that hangs (the broker may be gone with the supervisor,
      // and a consumer's leave-group then retries): end the process after a grace period.
      setTimeout(() => {
        logger.warn(`still stopping after ${ORPHAN_GRACE_MS} ms; exiting`, 'Bootstrap');
        logger.pino.flush();
        process.exit(0);
      }, ORPHAN_GRACE_MS).unref();
    });
  }
  try {
    const createdAt = performance.now();
    const { app } = await createServiceApp(def, env, { logger, startConsumers: false });
    const built = performance.now() - createdAt;
    // HTTP first: /health/live answers at once, /health/ready says 503 until the consumer has joined
    // its group (after a SIGKILL the group waits up to KAFKA_SESSION_TIMEOUT_MS for the dead member).
    await app.listen(env.PORT, '0.0.0.0');
    logger.log(
      `${def.name} listening on http://localhost:${env.PORT} (docs at /docs); process up ${Math.round(process.uptime() * 1000)} ms, app built in ${Math.round(built)} ms`,
      'Bootstrap',
    );
    const started = Date.now();
    await app.startAllMicroservices();
    logger.log(`${def.name} consuming (group joined in ${Date.now() - started} ms)`, 'Bootstrap');
  } catch (err) {
    logger.error(err, 'Bootstrap');
    logger.pino.flush();
    // 78: configuration (the supervisor does not restart it), as for a bad environment above.
    setTimeout(() => process.exit(err instanceof ConfigError ? 78 : 1), 100);
  }
}
