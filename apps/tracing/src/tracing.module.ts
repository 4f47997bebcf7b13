import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { TracedCaseEntity } from './cases/infrastructure/traced-case.entity';
import { RecordConfirmedCaseHandler } from './cases/record-confirmed-case/record-confirmed-case.handler';
import { RecordConfirmedCaseKafkaController } from './cases/record-confirmed-case/record-confirmed-case.kafka.controller';
import { TracingEnv } from './config';
import { ContactsModule } from './contacts/contacts.module';
import { migrations } from './migrations';
import { RecordPersonAreaKafkaController } from './persons/record-person-area/record-person-area.kafka.controller';
import { RetentionModule } from './retention/retention.module';
import { ScreeningModule } from './screening/screening.module';
import { VISIT_ENTITIES, VisitsModule } from './visits/visits.module';

@Module({})
export class TracingModule {
  static register(env: TracingEnv): DynamicModule {
    return {
      module: TracingModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'tracing',
          schema: 'tracing',
          env,
          entities: [TracedCaseEntity, ...VISIT_ENTITIES],
          migrations,
        }),
        VisitsModule,
        ContactsModule,
        RetentionModule,
        ScreeningModule,
      ],
      controllers: [RecordConfirmedCaseKafkaController, RecordPersonAreaKafkaController],
      providers: [RecordConfirmedCaseHandler],
    };
  }
}
