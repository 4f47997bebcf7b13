import { BaseEnv } from '@ct/platform';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class OpsEnv extends BaseEnv {
  @IsInt() @Min(1) @Max(65535)
  PORT = 3005;

  /** Latest events kept in memory per topic for the topic monitor. */
  @IsInt() @Min(1) @Max(10000)
  OPS_RECENT_EVENTS = 50;

  /** A partition with lag whose committed offset has not moved for this long is flagged stalled (GET /ops/lag, dashboard). */
  @IsInt() @Min(1000) @Max(3_600_000)
  OPS_STALL_AFTER_MS = 30_000;

  /** Consumer group of the raw topic monitor (every topic and every .dlq). */
  @IsString()
  OPS_MONITOR_GROUP = 'ops-monitor';

  /** Administrative areas (same file and format the cases service reads). */
  @IsString()
  AREAS_FILE = 'data/areas/quang-nam.json';

  /** Optional JSON file overriding the epidemic-level thresholds (see apps/ops/src/surveillance/domain/level.ts). */
  @IsOptional() @IsString()
  LEVEL_THRESHOLDS_FILE?: string;

  /** Where the dashboard's static files are; empty: next to the compiled code, else apps/ops/src/dashboard/public. */
  @IsOptional() @IsString()
  DASHBOARD_DIR?: string;
}
