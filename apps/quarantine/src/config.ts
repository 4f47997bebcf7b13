import { BaseEnv } from '@ct/platform';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

const DAY_LIST = /^\d{1,3}(,\d{1,3})*$/;

/** Quarantine policy: every rule the Ministry changed between waves is a variable here. */
export class QuarantineEnv extends BaseEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3004;

  /** Calendar days (day 0, test days, ends) are counted in this UTC offset; Vietnam is +07:00. */
  @IsInt()
  @Min(-840)
  @Max(840)
  QUARANTINE_UTC_OFFSET_MINUTES = 420;

  /** Not fully vaccinated (and unknown status): quarantine length in days and test days. */
  @IsInt()
  @Min(1)
  @Max(366)
  QUARANTINE_DAYS_UNVACCINATED = 14;

  @Matches(DAY_LIST, { message: 'QUARANTINE_TEST_DAYS_UNVACCINATED must be a comma-separated list of days' })
  QUARANTINE_TEST_DAYS_UNVACCINATED = '1,7,14';

  /** Fully vaccinated or recovered: quarantine length in days and test days. */
  @IsInt()
  @Min(1)
  @Max(366)
  QUARANTINE_DAYS_PROTECTED = 7;

  @Matches(DAY_LIST, { message: 'QUARANTINE_TEST_DAYS_PROTECTED must be a comma-separated list of days' })
  QUARANTINE_TEST_DAYS_PROTECTED = '1,7';

  /** Doses that make a person fully vaccinated. */
  @IsInt()
  @Min(1)
  @Max(10)
  QUARANTINE_FULL_DOSES = 2;

  /** The last dose protects from this many days after it ... */
  @IsInt()
  @Min(0)
  @Max(366)
  QUARANTINE_DOSE_MIN_DAYS = 14;

  /** ... until this many months after it. */
  @IsInt()
  @Min(1)
  @Max(60)
  QUARANTINE_DOSE_MAX_MONTHS = 6;

  /** Recovery protects for this many months. */
  @IsInt()
  @Min(0)
  @Max(60)
  QUARANTINE_RECOVERED_MONTHS = 6;

  /** An F2 watch (self-monitoring) lasts at most this many days from their last exposure. */
  @IsInt()
  @Min(1)
  @Max(366)
  QUARANTINE_F2_WATCH_DAYS = 14;

  /** An inconclusive result is retested this many days later. */
  @IsInt()
  @Min(1)
  @Max(30)
  QUARANTINE_RETEST_AFTER_DAYS = 1;

  /**
   * Quarantine, testing and arrival rules by epidemic level, with per-area overrides (issue 18);
   * areas with no known level keep the QUARANTINE_* settings above.
   */
  @IsString()
  QUARANTINE_LEVEL_RULES_FILE = 'data/policy/levels.json';

  /** Centralized quarantine facilities: JSON [{"id","name","areaCode","capacity"}]. */
  @IsString()
  QUARANTINE_FACILITIES = '[{"id":"qn-f1","name":"Quang Nam facility 1","areaCode":"49","capacity":200}]';

  /** How often the release pass (releases, overdue flags, missed tests) runs; 0 = never (tests, ops run it by hand). */
  @IsInt()
  @Min(0)
  @Max(86400)
  QUARANTINE_RELEASE_INTERVAL_SECONDS = 60;

  /** How often screening plans make the rounds due (issue 18); 0 = never (tests, ops run it by hand). */
  @IsInt()
  @Min(0)
  @Max(86400)
  QUARANTINE_SCREENING_INTERVAL_SECONDS = 300;

  /** ContactIdentified events fetched per partition per request (bigger batches for super-spreaders). */
  @IsInt()
  @Min(65536)
  @Max(64 * 1048576)
  QUARANTINE_FETCH_MAX_BYTES_PER_PARTITION = 4 * 1048576;

  /** Partitions of contacts.v1 handled at once by one instance. */
  @IsInt()
  @Min(1)
  @Max(64)
  QUARANTINE_CONSUMER_CONCURRENCY = 3;
}
