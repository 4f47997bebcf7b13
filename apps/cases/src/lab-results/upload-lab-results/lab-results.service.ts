import { createEvent, EventEnvelope, LabResultPurpose } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { Principal, ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CasesEnv } from '../../config';
import { CasesErrors } from '../../errors';
import { AreaAccess } from '../../shared/infrastructure/area-access';
import { parseLabCsv } from '../domain/csv';
import { parseLabBundle } from '../domain/fhir';
import { LabResult, ParsedUpload } from '../domain/lab-result';
import { decideMatch } from '../domain/match';
import { LabResultRow, LabResultStore } from '../infrastructure/lab-result-store';

export interface UploadSummary {
  format: 'CSV' | 'FHIR';
  /** `line` (CSV, the header is line 1) or `entry` (FHIR, 0-based index in Bundle.entry). */
  unit: 'line' | 'entry';
  /** Results read without a problem: matched + queued + unchanged. */
  accepted: number;
  matched: { count: number; at: number[] };
  queued: { count: number; at: number[] };
  /** Lab result ids received before (a re-sent file): nothing changed. */
  unchanged: { count: number; at: number[] };
  rejected: { count: number; items: { at: number; fields: { field: string; problems: string[] }[] }[] };
}

/** `matchedAt` is when cases matched it; quarantine records the result then. */
export function labResultMatched(
  id: string,
  personId: string,
  r: LabResult,
  at: Date,
): EventEnvelope<'LabResultMatched'> {
  return createEvent(
    'LabResultMatched',
    {
      resultId: id,
      personId,
      result: r.result,
      testType: r.testType,
      purpose: r.purpose,
      sampleTakenAt: r.sampleTakenAt,
      matchedAt: at.toISOString(),
    },
    { source: '/cases', time: at.toISOString() },
  );
}

/**
 * POST /lab-results: reads a CSV file or a FHIR bundle, matches each result to a person of the
 * caller's areas by personId, national ID or phone, and in one transaction stores every new result
 * (by the lab's result id: a re-sent file changes nothing) and publishes LabResultMatched for the
 * matched ones; the others wait in the review queue under the upload's area.
 */
@Injectable()
export class LabResultsService {
  private readonly logger = new Logger(LabResultsService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly store: LabResultStore,
    private readonly outbox: Outbox,
    private readonly access: AreaAccess,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  /** The area unmatched results are queued under: the one asked for, else the caller's only area. */
  uploadArea(who: Principal, area: string | undefined): string {
    const scope = this.access.scope(who);
    if (area !== undefined) {
      this.access.requireTarget(who, area, 'area');
      return area;
    }
    if (scope.all) return this.env.CASES_DEFAULT_AREA_CODE;
    if (who.areas.length === 1) return who.areas[0];
    throw CasesErrors.labUploadInvalid('give ?area= (the area unmatched results are queued under)', [
      { field: 'area', problems: ['area is required when your token serves several areas'] },
    ]);
  }

  parse(body: string, contentType: string, purpose?: LabResultPurpose): ParsedUpload {
    const ctx = { now: this.clock.now(), skewMs: this.env.CASES_CLOCK_SKEW_SECONDS * 1000, purpose };
    const type = contentType.split(';')[0].trim().toLowerCase();
    let parsed;
    if (type === 'text/csv') parsed = parseLabCsv(body, ctx);
    else if (type === 'application/fhir+json' || type === 'application/json') {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw CasesErrors.labUploadInvalid('the body is not JSON', [{ field: 'body', problems: ['not valid JSON'] }]);
      }
      parsed = parseLabBundle(json, ctx);
    } else
      throw CasesErrors.labUploadInvalid('send text/csv or application/fhir+json', [
        { field: 'content-type', problems: ['content-type must be text/csv or application/fhir+json'] },
      ]);
    if (!parsed.ok) throw CasesErrors.labUploadInvalid('the file cannot be read', parsed.problems);
    return parsed.upload;
  }

  async upload(who: Principal, upload: ParsedUpload, area: string): Promise<UploadSummary> {
    const areas = this.access.scope(who).codes();
    const summary: UploadSummary = {
      format: upload.format,
      unit: upload.unit,
      accepted: upload.results.length,
      matched: { count: 0, at: [] },
      queued: { count: 0, at: [] },
      unchanged: { count: 0, at: [] },
      rejected: { count: upload.rejected.length, items: upload.rejected },
    };
    await this.tx.run(async () => {
      const known = await this.store.known(upload.results.map((r) => r.value.labResultId));
      const fresh = upload.results.filter((r) => !known.has(r.value.labResultId));
      const values = fresh.map((r) => r.value);
      const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];
      const byId = await this.store.knownPersonIds(uniq(values.map((v) => v.personId)), areas);
      const byNid = await this.store.personsBy('national_id', uniq(values.map((v) => v.nationalId)), areas);
      const byPhone = await this.store.personsBy('phone', uniq(values.map((v) => v.phone)), areas);
      const rows: (LabResultRow & { at: number })[] = fresh.map((r) => {
        const v = r.value;
        const outcome = decideMatch({
          byPersonId: v.personId && byId.has(v.personId) ? v.personId : undefined,
          byNationalId: v.nationalId ? byNid.get(v.nationalId) : undefined,
          byPhone: v.phone ? byPhone.get(v.phone) : undefined,
        });
        return {
          at: r.at,
          id: randomUUID(),
          labResultId: v.labResultId,
          format: upload.format,
          status: outcome.kind,
          queueReason: outcome.kind === 'QUEUED' ? outcome.reason : null,
          areaCode: area,
          personId: outcome.kind === 'MATCHED' ? outcome.personId : null,
          value: v,
        };
      });
      const now = this.clock.now();
      const inserted = await this.store.insert(rows, now, who.subject);
      const events: EventEnvelope[] = [];
      for (const r of rows) {
        // Not inserted: another upload of the same id committed first; it changed nothing here.
        const bucket = !inserted.has(r.id)
          ? summary.unchanged
          : r.status === 'MATCHED'
            ? summary.matched
            : summary.queued;
        bucket.at.push(r.at);
        if (inserted.has(r.id) && r.personId) events.push(labResultMatched(r.id, r.personId, r.value, now));
      }
      for (const r of upload.results) if (known.has(r.value.labResultId)) summary.unchanged.at.push(r.at);
      await this.outbox.add(...events);
    });
    for (const b of [summary.matched, summary.queued, summary.unchanged]) {
      b.at.sort((x, y) => x - y);
      b.count = b.at.length;
    }
    this.logger.log(
      `lab results (${upload.format}) from ${who.subject}: ${summary.matched.count} matched, ${summary.queued.count} queued, ${summary.unchanged.count} unchanged, ${summary.rejected.count} rejected`,
    );
    return summary;
  }
}
