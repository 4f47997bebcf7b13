import { EventEnvelope } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { Coalescer, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { COLUMNS, FollowUp, fromRow, RecordedValues } from './follow-up.store';

/** A follow-up as read for recording, with the person's earlier high-fever days when asked for. */
export type PeekedFollowUp = FollowUp & { feverDays: Set<string> };

interface PeekItem {
  id: string;
  fever: { days: number; feverC: number } | null;
}

interface WriteItem {
  followUpId: string;
  /** The status the follow-up was read with: the write applies only while it still has it. */
  readWith: string;
  values: RecordedValues;
  at: Date;
  events: EventEnvelope[];
}

/**
 * The two statements of recording a check that cannot escalate, each shared by the requests that
 * arrive together (Coalescer): one read of the follow-ups (peek) and one guarded write of them
 * with their HealthCheckRecorded events (Outbox.addIfEach). On a busy day sixteen staff recording
 * at once cost PostgreSQL two statements, not thirty-two; a lone request goes at once. Inside a
 * transaction the caller's own statements are used, never a batch.
 */
@Injectable()
export class FollowUpRecordings {
  private readonly peeks = new Coalescer<PeekItem, PeekedFollowUp | null>((items) => this.peekMany(items));
  private readonly writes = new Coalescer<WriteItem, boolean>((items) => this.writeMany(items));

  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Follow-up `id` as it is now (no lock: the write checks its status again) and, when `fever` is
   * given, the days (before its day, within `fever.days`) on which the person had a completed check
   * at or above `fever.feverC`.
   */
  async peek(id: string, fever: PeekItem['fever']): Promise<PeekedFollowUp | null> {
    const item = { id, fever };
    return this.tx.inTransaction ? (await this.peekMany([item]))[0] : this.peeks.run(item);
  }

  /**
   * Records `values` on follow-up `f` and adds `event` to the outbox, only while `f` still has the
   * status it was read with; false when it changed in between (nothing written: the caller takes
   * the locked path).
   */
  async write(f: FollowUp, values: RecordedValues, at: Date, event: EventEnvelope): Promise<boolean> {
    // The event joins this request's correlation here: the batch runs in another request's context.
    const item = {
      followUpId: f.id,
      readWith: f.status,
      values,
      at,
      events: this.outbox.withAmbientCorrelation([event]),
    };
    return this.tx.inTransaction ? (await this.writeMany([item]))[0] : this.writes.run(item);
  }

  private async peekMany(items: PeekItem[]): Promise<(PeekedFollowUp | null)[]> {
    const rows = await this.tx.queryPrepared(
      `SELECT v.ord, ${COLUMNS},
              CASE WHEN v.days IS NOT NULL THEN ARRAY(
                SELECT DISTINCT to_char(d.due_on, 'YYYY-MM-DD') FROM quarantine.follow_ups d
                 WHERE d.person_id = f.person_id AND d.status = 'DONE' AND d.due_on < f.due_on
                   AND d.due_on >= f.due_on - v.days AND d.temperature_c >= v.fever_c) END AS fever_days
         FROM unnest($1::uuid[], $2::int[], $3::numeric[]) WITH ORDINALITY AS v(id, days, fever_c, ord)
         JOIN quarantine.follow_ups f ON f.id = v.id`,
      [items.map((i) => i.id), items.map((i) => i.fever?.days ?? null), items.map((i) => i.fever?.feverC ?? null)],
    );
    const found: (PeekedFollowUp | null)[] = items.map(() => null);
    for (const r of rows)
      found[Number(r.ord) - 1] = { ...fromRow(r), feverDays: new Set((r.fever_days as string[] | null) ?? []) };
    return found;
  }

  /**
   * One guarded UPDATE of the items' follow-ups and their events. A follow-up twice in one batch
   * (two staff at once) is written once: the later item answers false and takes the locked path,
   * as it would have had it come after. A follow-up another transaction holds locked is skipped
   * (false: that request waits for the lock alone), so one lock never holds up the whole batch.
   */
  private async writeMany(items: WriteItem[]): Promise<boolean[]> {
    const seen = new Set<string>();
    const batch = items.filter((i) => !seen.has(i.followUpId) && seen.add(i.followUpId));
    const v = batch.map((i) => i.values);
    const ids = await this.outbox.addIfEach(
      {
        sql: `UPDATE quarantine.follow_ups f
                 SET status = v.status, source = v.source, temperature_c = v.temperature_c, spo2 = v.spo2,
                     symptoms = ARRAY(SELECT x FROM jsonb_array_elements_text(v.symptoms) WITH ORDINALITY s(x, o) ORDER BY o),
                     warning_signs = ARRAY(SELECT x FROM jsonb_array_elements_text(v.warning_signs) WITH ORDINALITY s(x, o) ORDER BY o),
                     note = v.note, recorded_by = v.recorded_by, recorded_at = v.recorded_at
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::int[], $6::jsonb[], $7::jsonb[], $8::text[],
                            $9::text[], $10::timestamptz[], $11::text[])
                     AS v(id, status, source, temperature_c, spo2, symptoms, warning_signs, note, recorded_by, recorded_at, read_with)
               WHERE f.id = v.id AND f.status = v.read_with
                 AND f.id IN (SELECT l.id FROM quarantine.follow_ups l WHERE l.id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED)
              RETURNING f.id`,
        params: [
          batch.map((i) => i.followUpId),
          v.map((x) => x.status),
          v.map((x) => x.source),
          v.map((x) => x.temperatureC),
          v.map((x) => x.spo2),
          v.map((x) => JSON.stringify(x.symptoms)),
          v.map((x) => JSON.stringify(x.warningSigns)),
          v.map((x) => x.note),
          v.map((x) => x.by),
          batch.map((i) => i.at),
          batch.map((i) => i.readWith),
        ],
      },
      batch.map((i) => ({ rowId: i.followUpId, events: i.events })),
    );
    // ids come back as text; the item keeps the id it was asked with (a UUID, compared lower-case).
    return items.map((i) => batch.includes(i) && ids.has(i.followUpId.toLowerCase()));
  }
}
