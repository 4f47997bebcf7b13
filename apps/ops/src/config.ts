import { BaseEnv } from '@ct/platform';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class OpsEnv extends BaseEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3005;

  /** Latest events kept in memory per topic for the topic monitor. */
  @IsInt()
  @Min(1)
  @Max(10000)
  OPS_RECENT_EVENTS = 50;

  /** A partition with lag whose committed offset has not moved for this long is flagged stalled (GET /ops/lag, dashboard). */
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  OPS_STALL_AFTER_MS = 30_000;

  /** Consumer group of the raw topic monitor (every topic and every .dlq). */
  @IsString()
  OPS_MONITOR_GROUP = 'ops-monitor';

  /** Optional JSON file overriding the epidemic-level thresholds (see apps/ops/src/surveillance/domain/level.ts). */
  @IsOptional()
  @IsString()
  LEVEL_THRESHOLDS_FILE?: string;

  /**
   * The identity provider's client id of the dashboard (a public client with the authorization-code
   * flow and PKCE, e.g. contact-tracing-dashboard of docker/keycloak). Set: the dashboard signs in
   * at OIDC_ISSUER_URL; unset (the local development issuer): it asks for a pasted token.
   */
  @IsOptional()
  @Matches(/^[\w.:-]{1,128}$/, { message: 'OIDC_DASHBOARD_CLIENT_ID must be a client id (letters, digits, . _ : -)' })
  OIDC_DASHBOARD_CLIENT_ID?: string;

  /**
   * Dead letters keep their payload (and key) this many days, like check-ins (CHECKIN_RETENTION_DAYS):
   * after that the value and key are removed and only the record (topic, offset, reason, replays) stays.
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  OPS_DLQ_PAYLOAD_RETENTION_DAYS = 21;

  /**
   * Exposures read from contacts.v1 (a contact's venue and time, derived from check-ins) are kept this
   * many days, like check-ins; before they go, the weekly report keeps what it needs without them:
   * the case-to-case links of clusters and each exposure site's first day per area.
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  OPS_EXPOSURE_RETENTION_DAYS = 21;

  /** Minutes between dead-letter payload purges (0 = never; POST /ops/dlq/retention-pass runs one); the exposures' pass too. */
  @IsInt()
  @Min(0)
  @Max(10080)
  OPS_DLQ_RETENTION_INTERVAL_MINUTES = 60;

  /** Where the dashboard's static files are; empty: next to the compiled code, else apps/ops/src/dashboard/public. */
  @IsOptional()
  @IsString()
  DASHBOARD_DIR?: string;
}
