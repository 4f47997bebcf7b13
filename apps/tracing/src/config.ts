import { BaseEnv } from '@ct/platform';
import { IsInt, Max, Min } from 'class-validator';

export class TracingEnv extends BaseEnv {
  @IsInt() @Min(1) @Max(65535)
  PORT = 3002;
}
