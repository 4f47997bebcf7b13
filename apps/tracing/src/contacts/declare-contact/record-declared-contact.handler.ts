import { TransactionHost } from '@ct/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LateDataStore } from '../late-data/late-data.store';
import { RetraceSignal } from '../late-data/retrace-signal';
import { ContactTracer } from '../trace-case/contact-tracer';
import { RecordDeclaredContact } from './record-declared-contact.command';

/**
 * Keeps every declaration. If its case is already traced the contact is identified now (with their
 * F2); otherwise the case's tracing picks the declaration up when its CaseConfirmed arrives (both
 * are keyed by the F0's personId on cases.v1, so normally the case comes first). As the case may be
 * being traced right now, without seeing this declaration, a retrace of the case is also asked for
 * in the same transaction: it runs once the case is traced (and finds nothing new when the tracing
 * did see it).
 */
@CommandHandler(RecordDeclaredContact)
export class RecordDeclaredContactHandler implements ICommandHandler<RecordDeclaredContact> {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tracer: ContactTracer,
    private readonly late: LateDataStore,
    private readonly signal: RetraceSignal,
  ) {}

  async execute({ payload: p, cause }: RecordDeclaredContact): Promise<void> {
    const inserted: unknown[] = await this.tx.manager.query(
      `INSERT INTO tracing.declared_contacts (declaration_id, case_id, source_person_id, person_id, kind, started_at, ended_at, declared_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING declaration_id`,
      [
        p.declarationId,
        p.caseId,
        p.sourcePersonId,
        p.personId,
        p.kind,
        new Date(p.startedAt),
        new Date(p.endedAt),
        new Date(p.declaredAt),
      ],
    );
    if (inserted.length === 0) return;
    const [c] = await this.tx.manager.query(
      'SELECT case_id, person_id, confirmed_at, symptom_onset_at, sample_taken_at FROM tracing.traced_cases WHERE case_id = $1 AND traced_at IS NOT NULL',
      [p.caseId],
    );
    if (!c) {
      await this.late.request(p.caseId, 'DECLARATION');
      await this.tx.afterCommit(() => Promise.resolve(this.signal.kick()));
      return;
    }
    if (c.person_id !== p.sourcePersonId) return;
    const t = (v: Date | null) => (v ? new Date(v).getTime() : null);
    await this.tracer.addDeclared(
      {
        caseId: c.case_id,
        personId: c.person_id,
        confirmedAt: new Date(c.confirmed_at).getTime(),
        symptomOnsetAt: t(c.symptom_onset_at),
        sampleTakenAt: t(c.sample_taken_at),
      },
      {
        sourcePersonId: p.sourcePersonId,
        personId: p.personId,
        kind: p.kind,
        start: Date.parse(p.startedAt),
        end: Date.parse(p.endedAt),
      },
      cause,
    );
  }
}
