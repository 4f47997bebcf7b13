import { AGE_BANDS } from '@ct/contracts';
import { QuarantineEnv } from '../config';
import { parseDayList } from '../quarantines/domain/policy';
import { CarePolicy, parseAgeBands } from './domain/care-policy';

export function carePolicyFrom(env: QuarantineEnv): CarePolicy {
  return {
    utcOffsetMinutes: env.QUARANTINE_UTC_OFFSET_MINUTES,
    isolationMinDays: env.CARE_ISOLATION_MIN_DAYS,
    releaseTestDays: parseDayList(env.CARE_RELEASE_TEST_DAYS),
    retestAfterDays: env.CARE_RETEST_AFTER_DAYS,
    homeFullDoses: env.CARE_HOME_FULL_DOSES,
    homeOneDoseDays: env.CARE_HOME_ONE_DOSE_DAYS,
    homeAgeBands: parseAgeBands(env.CARE_HOME_AGE_BANDS, AGE_BANDS),
    checksPerDay: env.CARE_CHECKS_PER_DAY,
    homeCaseChecksPerDay: env.CARE_HOME_CASE_CHECKS_PER_DAY,
    lostAfterDays: env.CARE_LOST_AFTER_DAYS,
    spo2Below: env.CARE_SPO2_BELOW,
    feverC: env.CARE_FEVER_C,
    feverDays: env.CARE_FEVER_DAYS,
    contactFeverC: env.CARE_CONTACT_FEVER_C,
  };
}

export interface CareFacility {
  id: string;
  name: string;
  areaCode: string;
  capacity: number;
}

/** CARE_FACILITIES, checked at boot (a bad entry stops start-up). */
export function careFacilitiesFrom(env: QuarantineEnv): CareFacility[] {
  let raw: unknown;
  try {
    raw = JSON.parse(env.CARE_FACILITIES);
  } catch {
    raw = null;
  }
  if (!Array.isArray(raw)) throw new Error('CARE_FACILITIES must be a JSON array');
  return raw.map((f: Record<string, unknown>, i) => {
    const ok =
      f !== null &&
      typeof f === 'object' &&
      typeof f.id === 'string' &&
      /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(f.id) &&
      typeof f.name === 'string' &&
      typeof f.areaCode === 'string' &&
      f.areaCode.length >= 1 &&
      f.areaCode.length <= 32 &&
      Number.isInteger(f.capacity) &&
      (f.capacity as number) >= 0;
    if (!ok) throw new Error(`CARE_FACILITIES[${i}] needs id, name, areaCode and a capacity >= 0`);
    return {
      id: f.id as string,
      name: f.name as string,
      areaCode: f.areaCode as string,
      capacity: f.capacity as number,
    };
  });
}
