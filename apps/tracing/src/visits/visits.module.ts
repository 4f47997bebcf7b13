import { SERVICE_ENV } from '@ct/runtime';
import { Module } from '@nestjs/common';
import { TracingEnv } from '../config';
import { ContactsModule } from '../contacts/contacts.module';
import { VisitPolicy } from './domain/visit-policy';
import { RetentionRunEntity } from './infrastructure/retention-run.entity';
import { VisitEntity } from './infrastructure/visit.entity';
import { VisitStore } from './infrastructure/visit-store';
import { PurgeExpiredVisitsJob } from './purge-expired-visits/purge-expired-visits.job';
import { RecordCheckInsHandler } from './record-check-ins/record-check-ins.handler';
import { RecordCheckInsKafkaController } from './record-check-ins/record-check-ins.kafka.controller';
import { VISIT_POLICY } from './visits.tokens';

/** The visit store's entities, for the tracing service's TypeORM entity list. */
export const VISIT_ENTITIES = [VisitEntity, RetentionRunEntity];

/** The visit store: check-ins from checkins.v1, batched into tracing.visits, and its retention. */
@Module({
  imports: [ContactsModule],
  controllers: [RecordCheckInsKafkaController],
  providers: [
    VisitStore,
    RecordCheckInsHandler,
    PurgeExpiredVisitsJob,
    {
      provide: VISIT_POLICY,
      inject: [SERVICE_ENV],
      useFactory: (env: TracingEnv): VisitPolicy => {
        // Each partition handled at once holds a connection for its batch transaction while the
        // first batch of a new day creates the partition on one more; the outbox relay and the
        // retention job need theirs. Too small a pool would wait on itself.
        if (env.DATABASE_POOL_SIZE < env.CHECKIN_CONSUMER_CONCURRENCY + 4) {
          throw new Error(
            `DATABASE_POOL_SIZE (${env.DATABASE_POOL_SIZE}) must be at least CHECKIN_CONSUMER_CONCURRENCY + 4 (${env.CHECKIN_CONSUMER_CONCURRENCY + 4})`,
          );
        }
        return {
          defaultStayMinutes: env.TRACING_DEFAULT_STAY_MINUTES,
          retentionDays: env.CHECKIN_RETENTION_DAYS,
          maxClockSkewSeconds: env.CHECKIN_MAX_CLOCK_SKEW_SECONDS,
        };
      },
    },
  ],
  exports: [VisitStore, VISIT_POLICY],
})
export class VisitsModule {}
