import { BaseEnv } from '@ct/platform';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

export class TracingEnv extends BaseEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3002;

  /** A check-in without a check-out lasts this long (the stay's ends_at). */
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  TRACING_DEFAULT_STAY_MINUTES = 60;

  /** Check-ins are kept this many days; older day partitions are dropped, older check-ins dead-lettered. */
  @IsInt()
  @Min(1)
  @Max(3650)
  CHECKIN_RETENTION_DAYS = 21;

  /**
   * Contacts and exposure sites (derived from check-ins) are kept this many days after the exposure
   * or the stay ended, and never before the stays they came from are purged (see ARCHITECTURE.md,
   * "Retention"). Purged by the retention job, every RETENTION_INTERVAL_MINUTES.
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  TRACING_CONTACT_RETENTION_DAYS = 21;

  /** A check-in further than this in the future (by the service's clock) is dead-lettered. */
  @IsInt()
  @Min(0)
  @Max(86400)
  CHECKIN_MAX_CLOCK_SKEW_SECONDS = 300;

  /** How often the retention jobs run (0 = never, refused in production; a test or an operator runs them by hand). */
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 60)
  RETENTION_INTERVAL_MINUTES = 60;

  /** Partitions of checkins.v1 this instance writes concurrently (kafkajs partitionsConsumedConcurrently). */
  @IsInt()
  @Min(1)
  @Max(64)
  CHECKIN_CONSUMER_CONCURRENCY = 6;

  /** Bytes fetched per partition per request (~2,000 check-ins at 1 MB): bigger batches, fewer statements, more memory. */
  @IsInt()
  @Min(65536)
  @Max(64 * 1048576)
  CHECKIN_FETCH_MAX_BYTES_PER_PARTITION = 1048576;

  /** A case's infectious window opens this many days before symptom onset (else sample, else confirmation). */
  @IsInt()
  @Min(0)
  @Max(30)
  TRACING_INFECTIOUS_DAYS_BEFORE = 2;

  /** Two stays at one venue are co-located when they overlap by more than this many seconds. */
  @IsInt()
  @Min(0)
  @Max(86400)
  TRACING_MIN_OVERLAP_SECONDS = 0;

  /**
   * How often F2 stages cut short (the process stopped after a case's F1 were stored) are looked
   * for (also once at start); 0 = never (a test runs it by hand).
   */
  @IsInt()
  @Min(0)
  @Max(3600)
  TRACING_RESUME_INTERVAL_SECONDS = 3;

  /** An F2 stage's lease: renewed at every chunk; once it runs out, another instance resumes the stage. */
  @IsInt()
  @Min(2)
  @Max(3600)
  TRACING_F2_LEASE_SECONDS = 8;

  /** The name leases are held under (F2 stages); empty = the host name. Set one per replica when several run on one host. */
  @IsString()
  @MaxLength(128)
  TRACING_INSTANCE_ID = '';

  /**
   * How often the retrace job looks for retraces asked for by other instances (its own are run at
   * once), for leases of instances that died, and sweeps leftovers; 0 = never (a test runs it by hand).
   */
  @IsInt()
  @Min(0)
  @Max(3600)
  TRACING_RETRACE_INTERVAL_SECONDS = 5;

  /**
   * A case with more F1 than this is traced in stages: its F1 are committed (and on their way to
   * Kafka) before its F2 are, instead of all in one transaction.
   */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  TRACING_STAGED_FROM_F1 = 1000;

  /** F2 contacts per transaction when a case is traced in stages. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  TRACING_F2_CHUNK = 2500;

  /** From this many contacts on, tracing writes them with COPY (an upsert below, or if the case already has some of them). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  TRACING_COPY_FROM = 500;

  /** Longest stay the co-location queries look back for (bounds the scan so day partitions are pruned). */
  @IsInt()
  @Min(1)
  @Max(7 * 24)
  TRACING_MAX_STAY_HOURS = 24;

  /**
   * An exposure site stays risky this many minutes after the case left (the air of a closed room, a
   * market stall): visitors who came in that time, or overlapped the case without becoming an F1,
   * get an exposure alert (ExposureSiteVisitorIdentified). 0 = only people there at the same time.
   */
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  TRACING_EXPOSURE_LINGER_MINUTES = 120;
}
