import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { OpsEnv } from './config';
import { migrations } from './migrations';
import { MonitorModule } from './monitor/monitor.module';
import { SurveillanceModule } from './surveillance/surveillance.module';
import { CareFiguresModule } from './care/care.module';
import { DashboardModule } from './dashboard/dashboard.module';

@Module({})
export class OpsModule {
  static register(env: OpsEnv): DynamicModule {
    return {
      module: OpsModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'ops', schema: 'ops', env, entities: [], migrations }),
        MonitorModule,
        SurveillanceModule,
        CareFiguresModule,
        DashboardModule,
      ],
    };
  }
}
