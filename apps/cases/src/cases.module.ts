import { AreaCatalog } from '@ct/platform';
import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { ListAreasHttpController } from './areas/list-areas/list-areas.http.controller';
import { AuditTrail } from './audit/infrastructure/audit-trail';
import { ErasePersonHttpController } from './persons/erase-person/erase-person.http.controller';
import { PersonErasure } from './persons/erase-person/person-erasure';
import { ListAuditHttpController } from './audit/list-audit/list-audit.http.controller';
import { CasesHttpController } from './cases/cases.http.controller';
import { CloseCaseHandler } from './cases/close-case/close-case.handler';
import { ConfirmCaseHandler } from './cases/confirm-case/confirm-case.handler';
import { CaseEntity } from './cases/infrastructure/case.entity';
import { ListCases } from './cases/list-cases/list-cases.query';
import { CasesEnv } from './config';
import { ConvertPositiveResult } from './conversions/convert-positive-result/convert-positive-result';
import { DeclareContactHandler } from './investigations/declare-contact/declare-contact.handler';
import { DeclareContactHttpController } from './investigations/declare-contact/declare-contact.http.controller';
import { InvestigationHttpController } from './investigations/manage-investigation/investigation.http.controller';
import { migrations } from './migrations';
import { notificationControllers, notificationProviders } from './notifications/notifications.providers';
import { PersonStore } from './persons/infrastructure/person-store';
import { PersonsHttpController } from './persons/persons.http.controller';
import { PersonsService } from './persons/persons.service';
import { PersonDisclosure } from './persons/person-disclosure';
import { CASES_CLOCK, systemClock } from './shared/domain/clock';
import { PersonStatusHttpController } from './status/person-status.http.controller';
import { RecordStatusEventsKafkaController } from './status/record-status-events/record-status-events.kafka.controller';
import { StatusStore } from './status/record-status-events/status-store';
import { AreaAccess } from './shared/infrastructure/area-access';

/** Areas are read once at boot from AREAS_FILE (ServiceCoreModule); a default area not among them stops start-up. */
function checkDefaultArea(env: CasesEnv, catalog: AreaCatalog): true {
  if (!catalog.has(env.CASES_DEFAULT_AREA_CODE)) {
    throw new Error(`CASES_DEFAULT_AREA_CODE ${env.CASES_DEFAULT_AREA_CODE} is not an area of ${env.AREAS_FILE}`);
  }
  return true;
}

@Module({})
export class CasesModule {
  static register(env: CasesEnv): DynamicModule {
    return {
      module: CasesModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'cases', schema: 'cases', env, entities: [CaseEntity], migrations }),
      ],
      controllers: [
        ListAreasHttpController,
        ErasePersonHttpController,
        PersonsHttpController,
        PersonStatusHttpController,
        CasesHttpController,
        InvestigationHttpController,
        DeclareContactHttpController,
        ListAuditHttpController,
        RecordStatusEventsKafkaController,
        ...notificationControllers,
      ],
      providers: [
        {
          provide: 'CASES_DEFAULT_AREA',
          useFactory: (c: AreaCatalog) => checkDefaultArea(env, c),
          inject: [AreaCatalog],
        },
        { provide: CASES_CLOCK, useValue: systemClock },
        AuditTrail,
        AreaAccess,
        PersonStore,
        PersonsService,
        PersonDisclosure,
        PersonErasure,
        ConfirmCaseHandler,
        ListCases,
        CloseCaseHandler,
        DeclareContactHandler,
        StatusStore,
        ConvertPositiveResult,
        ...notificationProviders,
      ],
    };
  }
}
