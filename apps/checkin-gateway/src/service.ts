import { ServiceDefinition } from '@ct/runtime';
import { CheckinGatewayEnv } from './config';
import { migrations } from './migrations';
import { CheckinGatewayModule } from './checkin-gateway.module';

export const CheckinGatewayService: ServiceDefinition<CheckinGatewayEnv> = {
  name: 'checkin-gateway',
  schema: 'checkin_gateway',
  title: 'Check-in gateway',
  description: 'HTTP intake for check-in feeds that cannot produce to Kafka',
  envSchema: CheckinGatewayEnv,
  migrations,
  module: (env) => CheckinGatewayModule.register(env),
};
