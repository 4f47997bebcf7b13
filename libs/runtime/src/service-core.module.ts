import { MessagingModule, MessagingObserver, parseBrokers, topicRetentionFromDays } from '@ct/messaging';
import {
  AreaCatalog,
  AreaScopes,
  AuthGuard,
  BaseEnv,
  databaseConnectionUrl,
  kafkaSecurity,
  OidcVerifier,
  oidcSettings,
  serviceDataSourceOptions,
  TransactionHost,
  Constructor,
  loadAreaFile,
  ServiceClock,
} from '@ct/platform';
import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics';
import { RequestContextMiddleware } from './request-context';
import { RuntimeGauges } from './runtime-gauges';
import { ServiceMetrics } from './service-metrics';
import { SERVICE_ENV, SERVICE_NAME } from './tokens';

export interface ServiceCoreOptions {
  service: string;
  schema: string;
  env: BaseEnv;
  entities: MixedList<Constructor | string | EntitySchema>;
  migrations: MixedList<Constructor | string>;
  observer?: MessagingObserver;
  /** false: do not start the outbox relay in this process. */
  relay?: boolean;
}

/**
 * What every service has: its own schema through TypeORM, the unit-of-work host, Kafka messaging
 * with outbox and inbox, CQRS buses, the deny-by-default bearer-token guard, the area catalog and
 * callers' area scopes, and GET /health.
 */
@Global()
@Module({})
export class ServiceCoreModule implements NestModule {
  static forRoot(o: ServiceCoreOptions): DynamicModule {
    // Services hold no signing key: tokens are checked against the issuer's published keys.
    const verifier = new OidcVerifier(oidcSettings(o.env));
    const metrics = new ServiceMetrics(o.service);
    const databaseUrl = databaseConnectionUrl(o.env);
    return {
      module: ServiceCoreModule,
      imports: [
        TypeOrmModule.forRoot(
          serviceDataSourceOptions({
            url: databaseUrl,
            schema: o.schema,
            entities: o.entities,
            migrations: o.migrations,
            poolSize: o.env.DATABASE_POOL_SIZE,
            applicationName: o.service,
          }),
        ),
        CqrsModule.forRoot(),
        MessagingModule.forRoot(
          {
            service: o.service,
            schema: o.schema,
            databaseUrl,
            brokers: parseBrokers(o.env.KAFKA_BROKERS),
            security: kafkaSecurity(o.env),
            partitions: { checkins: o.env.KAFKA_PARTITIONS_CHECKINS, default: o.env.KAFKA_PARTITIONS_DEFAULT },
            retention: topicRetentionFromDays({
              checkins: o.env.KAFKA_RETENTION_CHECKINS_DAYS,
              events: o.env.KAFKA_RETENTION_EVENTS_DAYS,
              dlq: o.env.KAFKA_RETENTION_DLQ_DAYS,
            }),
            relay: o.relay,
          },
          o.observer ?? metrics.observer,
        ),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_ENV, useValue: o.env },
        { provide: ServiceMetrics, useValue: metrics },
        RuntimeGauges,
        RequestContextMiddleware,
        { provide: SERVICE_NAME, useValue: o.service },
        { provide: OidcVerifier, useValue: verifier },
        // Read once at boot (a bad file stops start-up); every service scopes tokens' areas with it.
        { provide: AreaCatalog, useFactory: () => loadAreaFile(o.env.AREAS_FILE) },
        AreaScopes,
        ServiceClock,
        { provide: TransactionHost, useFactory: (ds: DataSource) => new TransactionHost(ds), inject: [DataSource] },
        { provide: APP_GUARD, useFactory: (r: Reflector) => new AuthGuard(r, verifier), inject: [Reflector] },
      ],
      exports: [
        SERVICE_ENV,
        SERVICE_NAME,
        ServiceMetrics,
        OidcVerifier,
        AreaCatalog,
        AreaScopes,
        ServiceClock,
        TransactionHost,
        MessagingModule,
        CqrsModule,
      ],
    };
  }

  /** Correlation id and latency of every HTTP request (see metrics.ts). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
