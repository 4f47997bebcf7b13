import { BaseEnv, ConfigError } from '@ct/platform';
import { IsInt, IsNumber, IsString, Length, Matches, Max, Min } from 'class-validator';

const DAY_LIST = /^\d{1,3}(,\d{1,3})*$/;

/** The development key of the self-report links: public (it is in the source), refused in production. */
export const DEV_SELF_REPORT_SECRET = 'dev-only-self-report-secret-change-me-0123456789';

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

  // Care pathway (issue 16): isolation of cases and daily follow-up. README "Care pathway".

  /** Release from isolation no earlier than this many days after the positive sample ... */
  @IsInt()
  @Min(1)
  @Max(366)
  CARE_ISOLATION_MIN_DAYS = 10;

  /** ... and after a negative test; release tests on these days (counted from the positive sample). */
  @Matches(DAY_LIST, { message: 'CARE_RELEASE_TEST_DAYS must be a comma-separated list of days' })
  CARE_RELEASE_TEST_DAYS = '10';

  /** A positive or inconclusive release test is repeated this many days later. */
  @IsInt()
  @Min(1)
  @Max(30)
  CARE_RETEST_AFTER_DAYS = 3;

  /** Home treatment: fully vaccinated (this many doses) ... */
  @IsInt()
  @Min(1)
  @Max(10)
  CARE_HOME_FULL_DOSES = 2;

  /** ... or one dose at least this many days ago ... */
  @IsInt()
  @Min(0)
  @Max(366)
  CARE_HOME_ONE_DOSE_DAYS = 14;

  /** ... or one of these age bands (UNDER_1, 1_TO_50, OVER_50) without a listed disease and not pregnant. */
  @Matches(/^[A-Z0-9_]+(,[A-Z0-9_]+)*$/, { message: 'CARE_HOME_AGE_BANDS must be a comma-separated list of age bands' })
  CARE_HOME_AGE_BANDS = '1_TO_50';

  /** Treatment facilities seeded at boot (admin PUT /care/facilities/:id changes them): JSON [{"id","name","areaCode","capacity"}]. */
  @IsString()
  CARE_FACILITIES = '[{"id":"tf-49-01","name":"Quang Nam treatment facility 1","areaCode":"49","capacity":100}]';

  /** Follow-ups a day for everyone under isolation, quarantine or watch ... */
  @IsInt()
  @Min(1)
  @Max(4)
  CARE_CHECKS_PER_DAY = 1;

  /** ... and for cases isolated at home. */
  @IsInt()
  @Min(1)
  @Max(4)
  CARE_HOME_CASE_CHECKS_PER_DAY = 2;

  /** Flagged lost to follow-up after this many days without a completed check. */
  @IsInt()
  @Min(1)
  @Max(30)
  CARE_LOST_AFTER_DAYS = 2;

  /** Warning sign: SpO2 below this (%). */
  @IsInt()
  @Min(50)
  @Max(100)
  CARE_SPO2_BELOW = 96;

  /** Warning sign: a temperature at or above this (°C) ... */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(35)
  @Max(43)
  CARE_FEVER_C = 38.5;

  /** ... on this many consecutive days. */
  @IsInt()
  @Min(1)
  @Max(14)
  CARE_FEVER_DAYS = 2;

  /** A contact with symptoms or a temperature at or above this (°C) gets a test today. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(35)
  @Max(43)
  CARE_CONTACT_FEVER_C = 37.5;

  /** How often the care pass (follow-up generation, missed/lost, releases, beds) runs; 0 = never. */
  @IsInt()
  @Min(0)
  @Max(86400)
  CARE_PASS_INTERVAL_SECONDS = 60;

  /**
   * HMAC key of the personal self-report links (at least 32 characters). The default is for
   * development only: with NODE_ENV=production a missing or default key stops start-up.
   */
  @IsString()
  @Length(32, 512)
  CARE_SELF_REPORT_SECRET = DEV_SELF_REPORT_SECRET;

  /** Self-reports accepted per link per hour. */
  @IsInt()
  @Min(1)
  @Max(1000)
  CARE_SELF_REPORT_PER_HOUR = 10;

  /** A self-report link stays valid this many days after the isolation's planned end (or quarantine end). */
  @IsInt()
  @Min(0)
  @Max(60)
  CARE_SELF_REPORT_GRACE_DAYS = 7;
}

/**
 * Refuses (NODE_ENV=production) a missing or default CARE_SELF_REPORT_SECRET: with the key in the
 * source, anyone could sign a self-report link for any order. The message never repeats the value.
 */
export function refuseDevelopmentSecrets(env: Pick<QuarantineEnv, 'NODE_ENV' | 'CARE_SELF_REPORT_SECRET'>): void {
  if (env.NODE_ENV !== 'production' || env.CARE_SELF_REPORT_SECRET !== DEV_SELF_REPORT_SECRET) return;
  throw new ConfigError([
    'CARE_SELF_REPORT_SECRET: must be set to a key of your own (32 to 512 characters, e.g. `openssl rand -hex 32`) when NODE_ENV=production; the default is public',
  ]);
}
