import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { OpsEnv } from './config';
import { migrations } from './migrations';
import { MonitorModule } from './monitor/monitor.module';
import { SurveillanceModule } from './surveillance/surveillance.module';
import { CareFiguresModule } from './care/care.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { LevelsModule } from './levels/levels.module';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class OpsModule {
  static register(env: OpsEnv): DynamicModule {
    return {
      module: OpsModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'ops', schema: 'ops', env, entities: [], migrations }),
        MonitorModule,
        SurveillanceModule,
        ReportsModule,
        CareFiguresModule,
        DashboardModule,
        LevelsModule,
      ],
    };
  }
}
