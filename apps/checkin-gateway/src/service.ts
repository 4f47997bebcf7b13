import { ServiceDefinition } from '@ct/runtime';
import { CheckinGatewayEnv } from './config';
import { migrations } from './migrations';
import { rawTextBody } from './checkins/infrastructure/raw-text-body';
import { CheckinGatewayModule } from './checkin-gateway.module';

export const CheckinGatewayService: ServiceDefinition<CheckinGatewayEnv> = {
  name: 'checkin-gateway',
  schema: 'checkin_gateway',
  title: 'Check-in gateway',
  description: 'HTTP intake for check-in feeds that cannot produce to Kafka',
  envSchema: CheckinGatewayEnv,
  migrations,
  module: (env) => CheckinGatewayModule.register(env),
  // POST /checkins reads its body itself (JSON array or NDJSON, up to 10,000 items).
  configure: (app, env) => app.use('/checkins', rawTextBody(env.CHECKIN_INTAKE_MAX_BODY_BYTES)),
};
