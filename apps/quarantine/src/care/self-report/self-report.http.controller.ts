import { CurrentPrincipal, Principal, Public, Roles, ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Body, Controller, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { QuarantineEnv } from '../../config';
import { QuarantineErrors } from '../../errors';
import { localDay, startOfDay } from '../../quarantines/domain/policy';
import { QuarantineAreas } from '../../quarantines/infrastructure/quarantine-areas';
import { CARE_POLICY } from '../care.tokens';
import { addDays, CarePolicy } from '../domain/care-policy';
import { readSelfReport, signSelfReport } from '../domain/self-report-token';
import { FollowUpStore } from '../infrastructure/follow-up.store';
import { RecordFollowUpHandler } from '../record-follow-up/record-follow-up.handler';
import { HealthReadingRequest } from '../record-follow-up/record-follow-up.request.dto';

export class SelfReportLinkRequest {
  @ApiProperty()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { message: 'personId must be 1 to 128 letters, digits or . _ : -' })
  personId: string;
}

/**
 * The day's reading, in the query string: the front door answers 401 to any request with a body and
 * no bearer token before parsing it (libs/runtime auth-before-body), and this route has no account.
 */
export class SelfReportQuery extends HealthReadingRequest {}
for (const [field, parse] of [
  ['temperatureC', (v: unknown) => (v === '' || v === undefined ? undefined : Number(v))],
  ['spo2', (v: unknown) => (v === '' || v === undefined ? undefined : Number(v))],
  ['symptoms', (v: unknown) => (typeof v === 'string' ? (v === '' ? [] : v.split(',')) : v)],
] as const)
  Transform(({ value }: { value: unknown }) => parse(value))(SelfReportQuery.prototype, field);

export class SelfReportParams {
  @IsString()
  @Length(1, 200)
  token: string;
}

interface ActiveOrder {
  id: string;
  person_id: string;
  subject: 'ISOLATION' | 'QUARANTINE' | 'WATCH';
  area_code: string | null;
  until: string;
}

/**
 * The person's active order (isolation first) and the day it ends as things stand: an isolation's
 * planned end, or its latest release test when a retest extended it; a quarantine's end.
 */
const ACTIVE_ORDER = `SELECT id, person_id, 'ISOLATION' AS subject, area_code,
         to_char(GREATEST(planned_end_on, (SELECT max(t.due_on) FROM quarantine.tests t
                                            WHERE t.isolation_id = i.id AND t.status <> 'CANCELLED')), 'YYYY-MM-DD') AS until
    FROM quarantine.isolations i WHERE status = 'ACTIVE' AND %WHERE%
  UNION ALL
  SELECT q.id, q.person_id, CASE WHEN q.kind = 'SELF_MONITORING' THEN 'WATCH' ELSE 'QUARANTINE' END,
         COALESCE(q.area_code, pp.area_code, ca.area_code), to_char(q.ends_at, 'YYYY-MM-DD')
    FROM quarantine.quarantines q
    LEFT JOIN quarantine.person_profiles pp ON pp.person_id = q.person_id
    LEFT JOIN quarantine.case_areas ca ON ca.case_id = q.source_case_id
   WHERE q.status = 'ACTIVE' AND %QWHERE%
  LIMIT 1`;

@ApiTags('care')
@Controller()
export class SelfReportHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: FollowUpStore,
    private readonly areas: QuarantineAreas,
    private readonly handler: RecordFollowUpHandler,
    private readonly clock: ServiceClock,
    @Inject(CARE_POLICY) private readonly policy: CarePolicy,
    @Inject(SERVICE_ENV) private readonly env: QuarantineEnv,
  ) {}

  @Post('self-report-links')
  @Roles('quarantine')
  @ApiOperation({
    summary:
      'A personal signed self-report link for a person under isolation, quarantine or watch (staff send it to them); it expires with the order',
  })
  link(@Body() b: SelfReportLinkRequest, @CurrentPrincipal() who: Principal) {
    return this.tx.run(async (m) => {
      const sql = ACTIVE_ORDER.replace('%WHERE%', 'person_id = $1').replace('%QWHERE%', 'q.person_id = $1');
      const [o]: ActiveOrder[] = await m.query(sql, [b.personId]);
      if (!o || !this.areas.scope(who).covers(o.area_code)) throw QuarantineErrors.noActiveOrder(b.personId);
      const expiresAt = this.expiryOf(o);
      const token = signSelfReport(o.id, expiresAt, this.env.CARE_SELF_REPORT_SECRET);
      return {
        orderId: o.id,
        subject: o.subject,
        token,
        path: `/self-report/${token}`,
        expiresAt: expiresAt.toISOString(),
      };
    });
  }

  /** A link's expiry for the order as it stands: the start of the day after its end plus the grace days. */
  private expiryOf(o: ActiveOrder): Date {
    return startOfDay(addDays(o.until, this.env.CARE_SELF_REPORT_GRACE_DAYS + 1), this.policy.utcOffsetMinutes);
  }

  @Post('self-report/:token')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A person reports their own day through their signed link, no account and no body: ?temperatureC=&spo2=&symptoms=FEVER,COUGH (rate-limited per link; refused once the order ended or the link expired; an order extended since keeps its link valid until the new end)',
  })
  report(@Param() p: SelfReportParams, @Query() b: SelfReportQuery) {
    const now = this.clock.now();
    const link = readSelfReport(p.token, this.env.CARE_SELF_REPORT_SECRET);
    if (!link) throw QuarantineErrors.selfReportLinkInvalid();
    const orderId = link.orderId;
    return this.tx.run(async (m) => {
      const [{ n }] = await m.query(
        `INSERT INTO quarantine.self_report_hits (order_id, hour, n) VALUES ($1, date_trunc('hour', $2::timestamptz), 1)
         ON CONFLICT (order_id, hour) DO UPDATE SET n = quarantine.self_report_hits.n + 1 RETURNING n`,
        [orderId, now],
      );
      if (n > this.env.CARE_SELF_REPORT_PER_HOUR)
        throw new HttpException(
          { code: 'SELF_REPORT.RATE_LIMITED', message: 'too many reports from this link; try again later' },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      const sql = ACTIVE_ORDER.replace('%WHERE%', 'id = $1').replace('%QWHERE%', 'q.id = $1');
      const [o]: ActiveOrder[] = await m.query(sql, [orderId]);
      // Ended orders refuse the link; an order extended since the link was made keeps it valid
      // until its new end (plus the grace days), as a link made today would be.
      if (!o || (link.expiresAt <= now && this.expiryOf(o) <= now)) throw QuarantineErrors.selfReportLinkInvalid();
      const today = localDay(now, this.policy.utcOffsetMinutes);
      const f =
        (await this.store.openOf(o.id, today)) ??
        (await this.store.addExtra(
          {
            id: randomUUID(),
            personId: o.person_id,
            subject: o.subject,
            orderId: o.id,
            areaCode: o.area_code,
            dueOn: today,
          },
          now,
        ));
      if (!f) throw QuarantineErrors.followUpDayFull();
      const r = await this.handler.record(f, {
        status: 'DONE',
        temperatureC: b.temperatureC ?? null,
        spo2: b.spo2 ?? null,
        symptoms: b.symptoms ?? [],
        note: null,
        source: 'SELF_REPORT',
        by: 'self-report',
      });
      return { dueOn: today, warningSigns: r.warningSigns, escalated: r.escalation !== null };
    });
  }
}
