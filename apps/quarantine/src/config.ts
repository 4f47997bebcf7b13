import { BaseEnv } from '@ct/platform';
import { IsInt, Max, Min } from 'class-validator';

export class QuarantineEnv extends BaseEnv {
  @IsInt() @Min(1) @Max(65535)
  PORT = 3004;
}
