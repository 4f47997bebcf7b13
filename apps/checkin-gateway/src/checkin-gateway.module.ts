import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { CheckInsModule } from './checkins/checkins.module';
import { CheckinGatewayEnv } from './config';
import { migrations } from './migrations';

@Module({})
export class CheckinGatewayModule {
  static register(env: CheckinGatewayEnv): DynamicModule {
    return {
      module: CheckinGatewayModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'checkin-gateway',
          schema: 'checkin_gateway',
          env,
          entities: [],
          migrations,
        }),
        CheckInsModule,
      ],
    };
  }
}
