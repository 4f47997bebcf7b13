import { ExportsModule } from './exports/exports.module';
import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { QuarantineEnv } from './config';
import { migrations } from './migrations';
import { QuarantinesModule } from './quarantines/quarantines.module';
import { ArrivalsModule } from './arrivals/arrivals.module';
import { ScreeningModule } from './screening/screening.module';
import { CommitteeModule } from './committee/committee.module';

@Module({})
export class QuarantineModule {
  static register(env: QuarantineEnv): DynamicModule {
    return {
      module: QuarantineModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'quarantine', schema: 'quarantine', env, entities: [], migrations }),
        QuarantinesModule,
        ArrivalsModule,
        ExportsModule,
        ScreeningModule,
        CommitteeModule,
      ],
    };
  }
}
