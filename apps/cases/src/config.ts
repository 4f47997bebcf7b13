import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { NotifyEnv } from './notifications/notify.config';

/** NotifyEnv (notifications) extends BaseEnv. */
export class CasesEnv extends NotifyEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3003;

  /** Area of a case converted from a positive test when the person is not registered here. */
  @IsString()
  @MinLength(1)
  CASES_DEFAULT_AREA_CODE = '49';

  /** Clock difference tolerated before a timestamp in a request counts as "in the future". */
  @IsInt()
  @Min(0)
  @Max(86400)
  CASES_CLOCK_SKEW_SECONDS = 300;

  /**
   * A person's identity fields are erased once nothing about them has been open for this many days:
   * no open case, no quarantine that has not ended, and their last case closing, quarantine end and
   * record change older than that.
   */
  @IsInt()
  @Min(1)
  @Max(36500)
  PERSON_ERASURE_AFTER_DAYS = 180;

  /** Minutes between erasure passes (0 = never; POST /persons/erasure-pass runs one). */
  @IsInt()
  @Min(0)
  @Max(10080)
  PERSON_ERASURE_INTERVAL_MINUTES = 60;

  /** Partitions handled at once by one instance (each event in its own transaction). */
  @IsInt()
  @Min(1)
  @Max(64)
  CASES_CONSUMER_CONCURRENCY = 3;

  /** Largest file POST /lab-results and POST /imports/* accept (bytes): 10,000 FHIR results are ~12 MB. */
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  CASES_UPLOAD_MAX_BYTES = 64 * 1024 * 1024;
}
