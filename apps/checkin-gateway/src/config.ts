import { BaseEnv } from '@ct/platform';
import { IsInt, Max, Min } from 'class-validator';

export class CheckinGatewayEnv extends BaseEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3001;

  /** Largest POST /checkins body (10,000 check-ins are about 2.5 MB); larger: 413. */
  @IsInt()
  @Min(1024)
  @Max(256 * 1048576)
  CHECKIN_INTAKE_MAX_BODY_BYTES = 16 * 1048576;
}
