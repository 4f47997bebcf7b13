import { AreaCatalog } from '@ct/platform';
import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { AreasModule } from './areas/areas.module';
import { ArrivalsModule } from './arrivals/arrivals.module';
import { AuditModule } from './audit/audit.module';
import { ConfirmedCasesModule } from './cases/confirmed-cases.module';
import { CaseEntity } from './cases/infrastructure/case.entity';
import { CasesEnv } from './config';
import { ConversionsModule } from './conversions/conversions.module';
import { ExportsModule } from './exports/exports.module';
import { ImportsModule } from './imports/imports.module';
import { InvestigationsModule } from './investigations/investigations.module';
import { LabResultsModule } from './lab-results/lab-results.module';
import { migrations } from './migrations';
import { NotificationsModule } from './notifications/notifications.module';
import { PersonsModule } from './persons/persons.module';
import { StatusModule } from './status/status.module';

/** Areas are read once at boot from AREAS_FILE (ServiceCoreModule); a default area not among them stops start-up. */
function checkDefaultArea(env: CasesEnv, catalog: AreaCatalog): true {
  if (!catalog.has(env.CASES_DEFAULT_AREA_CODE)) {
    throw new Error(`CASES_DEFAULT_AREA_CODE ${env.CASES_DEFAULT_AREA_CODE} is not an area of ${env.AREAS_FILE}`);
  }
  return true;
}

/** The cases service: its core (database, Kafka, HTTP) and one module per feature area. */
@Module({})
export class CasesModule {
  static register(env: CasesEnv): DynamicModule {
    return {
      module: CasesModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'cases', schema: 'cases', env, entities: [CaseEntity], migrations }),
        AreasModule,
        PersonsModule,
        StatusModule,
        ConfirmedCasesModule,
        InvestigationsModule,
        AuditModule,
        ConversionsModule,
        NotificationsModule,
        LabResultsModule,
        ArrivalsModule,
        ExportsModule,
        ImportsModule,
      ],
      providers: [
        {
          provide: 'CASES_DEFAULT_AREA',
          useFactory: (c: AreaCatalog) => checkDefaultArea(env, c),
          inject: [AreaCatalog],
        },
      ],
    };
  }
}
