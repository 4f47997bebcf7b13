import { SERVICE_ENV } from '@ct/runtime';
import { Module } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsString, Length, Min, validateSync } from 'class-validator';
import { CareModule } from '../care/care.module';
import { QuarantineEnv } from '../config';
import { Facility, parseDayList, QuarantinePolicy } from './domain/policy';
import { CancelQuarantineHttpController } from './cancel-quarantine/cancel-quarantine.http.controller';
import { FollowCasesKafkaController } from './follow-cases/follow-cases.kafka.controller';
import { SetHomeEligibilityHttpController } from './home-eligibility/set-home-eligibility.http.controller';
import { QuarantineStore } from './infrastructure/quarantine.store';
import { QuarantineAreas } from './infrastructure/quarantine-areas';
import { OrderQuarantineKafkaController } from './order-quarantine/order-quarantine.kafka.controller';
import { QuarantineWorkflow } from './quarantine.workflow';
import { FACILITIES, QUARANTINE_POLICY } from './quarantines.tokens';
import { RecordLabResultsHandler } from './record-test-result/record-lab-results.handler';
import { RecordTestResultHandler } from './record-test-result/record-test-result.handler';
import { RecordTestResultHttpController } from './record-test-result/record-test-result.http.controller';
import { RecordLabResultKafkaController } from './record-test-result/record-lab-result.kafka.controller';
import { ReleaseQuarantinesHttpController } from './release-quarantines/release-quarantines.http.controller';
import { ReleaseQuarantinesJob } from './release-quarantines/release-quarantines.job';
import { StaffViewsHttpController } from './staff-views/staff-views.http.controller';
import { TestWorklistHttpController } from './test-worklist/test-worklist.http.controller';
import { LevelsModule } from '../levels/levels.module';

class FacilityConfig implements Facility {
  @IsString() @Length(1, 128) id: string;
  @IsString() name: string;
  @IsString() @Length(1, 32) areaCode: string;
  @IsInt() @Min(0) capacity: number;
}

/** QUARANTINE_FACILITIES parsed and checked once at boot; a bad entry stops start-up. */
export function parseFacilities(json: string): Facility[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('QUARANTINE_FACILITIES must be a JSON array');
  }
  if (!Array.isArray(raw)) throw new Error('QUARANTINE_FACILITIES must be a JSON array');
  return raw.map((f, i) => {
    const o = plainToInstance(FacilityConfig, f);
    const errors = validateSync(o);
    if (errors.length)
      throw new Error(
        `QUARANTINE_FACILITIES[${i}]: ${errors.map((e) => Object.values(e.constraints ?? {}).join('; ')).join('; ')}`,
      );
    return { id: o.id, name: o.name, areaCode: o.areaCode, capacity: o.capacity };
  });
}

export function policyFrom(env: QuarantineEnv): QuarantinePolicy {
  return {
    utcOffsetMinutes: env.QUARANTINE_UTC_OFFSET_MINUTES,
    unvaccinated: {
      days: env.QUARANTINE_DAYS_UNVACCINATED,
      testDays: parseDayList(env.QUARANTINE_TEST_DAYS_UNVACCINATED),
    },
    protected: { days: env.QUARANTINE_DAYS_PROTECTED, testDays: parseDayList(env.QUARANTINE_TEST_DAYS_PROTECTED) },
    fullDoses: env.QUARANTINE_FULL_DOSES,
    doseMinDays: env.QUARANTINE_DOSE_MIN_DAYS,
    doseMaxMonths: env.QUARANTINE_DOSE_MAX_MONTHS,
    recoveredMonths: env.QUARANTINE_RECOVERED_MONTHS,
    f2WatchDays: env.QUARANTINE_F2_WATCH_DAYS,
    retestAfterDays: env.QUARANTINE_RETEST_AFTER_DAYS,
  };
}

/** Quarantine orders, tests and their timers (and, through CareModule, the care pathway). */
@Module({
  imports: [LevelsModule, CareModule],
  controllers: [
    OrderQuarantineKafkaController,
    FollowCasesKafkaController,
    RecordTestResultHttpController,
    RecordLabResultKafkaController,
    TestWorklistHttpController,
    SetHomeEligibilityHttpController,
    CancelQuarantineHttpController,
    ReleaseQuarantinesHttpController,
    StaffViewsHttpController,
  ],
  providers: [
    QuarantineStore,
    QuarantineAreas,
    QuarantineWorkflow,
    RecordTestResultHandler,
    RecordLabResultsHandler,
    ReleaseQuarantinesJob,
    { provide: QUARANTINE_POLICY, inject: [SERVICE_ENV], useFactory: policyFrom },
    {
      provide: FACILITIES,
      inject: [SERVICE_ENV],
      useFactory: (env: QuarantineEnv) => parseFacilities(env.QUARANTINE_FACILITIES),
    },
  ],
  exports: [QuarantineWorkflow, ReleaseQuarantinesJob, QUARANTINE_POLICY],
})
export class QuarantinesModule {}
