import { ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { QuarantineEnv } from '../config';
import { QuarantineAreas } from '../quarantines/infrastructure/quarantine-areas';
import { careFacilitiesFrom, carePolicyFrom } from './care.config';
import { CARE_POLICY } from './care.tokens';
import { CarePassHttpController } from './care-pass/care-pass.http.controller';
import { CarePassJob } from './care-pass/care-pass.job';
import { FacilitiesHttpController } from './facilities/facilities.http.controller';
import { FollowUpRecordings } from './infrastructure/follow-up-recordings';
import { FollowUpStore } from './infrastructure/follow-up.store';
import { IsolationStore } from './infrastructure/isolation.store';
import { FacilityBedsPublisher } from './isolate-cases/facility-beds.publisher';
import { IsolationService } from './isolate-cases/isolation.service';
import { IsolationsHttpController } from './isolations/isolations.http.controller';
import { ListFollowUpsHttpController } from './list-follow-ups/list-follow-ups.http.controller';
import { RecordFollowUpHandler } from './record-follow-up/record-follow-up.handler';
import { RecordFollowUpHttpController } from './record-follow-up/record-follow-up.http.controller';
import { SelfReportHttpController } from './self-report/self-report.http.controller';

/** Inserts the configured treatment facilities the database does not have yet (admins change them by route). */
@Injectable()
export class SeedFacilities implements OnApplicationBootstrap {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: IsolationStore,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: QuarantineEnv,
    private readonly beds: FacilityBedsPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const facilities = careFacilitiesFrom(this.env);
    await this.tx.run(async () => {
      // A facility new to the database announces its beds, so the figures know it before any change.
      const added = await this.store.seedFacilities(facilities, this.clock.now());
      await this.beds.changed(added, {});
    });
  }
}

/**
 * The care pathway (issue 16): isolation of cases, treatment facilities and beds, release from
 * isolation, daily follow-ups and self-reports, warning-sign escalation. Imported by the quarantines
 * module, whose cases.v1 handlers call IsolationService in their own transaction.
 */
@Module({
  controllers: [
    FacilitiesHttpController,
    IsolationsHttpController,
    ListFollowUpsHttpController,
    RecordFollowUpHttpController,
    SelfReportHttpController,
    CarePassHttpController,
  ],
  providers: [
    IsolationStore,
    FollowUpStore,
    FollowUpRecordings,
    IsolationService,
    FacilityBedsPublisher,
    RecordFollowUpHandler,
    CarePassJob,
    SeedFacilities,
    QuarantineAreas,
    { provide: CARE_POLICY, inject: [SERVICE_ENV], useFactory: carePolicyFrom },
  ],
  exports: [IsolationService, CarePassJob],
})
export class CareModule {}
