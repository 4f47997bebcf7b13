import { TransactionHost } from '@ct/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ContactTracer } from '../trace-case/contact-tracer';
import { RecordDeclaredContact } from './record-declared-contact.command';

/**
 * Keeps every declaration. If its case is already traced the contact is identified now (with their
 * F2); otherwise the case's tracing picks the declaration up when its CaseConfirmed arrives (both
 * are keyed by the F0's personId on cases.v1, so normally the case comes first).
 */
@CommandHandler(RecordDeclaredContact)
export class RecordDeclaredContactHandler implements ICommandHandler<RecordDeclaredContact> {
  constructor(private readonly tx: TransactionHost, private readonly tracer: ContactTracer) {}

  async execute({ payload: p, cause }: RecordDeclaredContact): Promise<void> {
    const inserted: unknown[] = await this.tx.manager.query(
      `INSERT INTO tracing.declared_contacts (declaration_id, case_id, source_person_id, person_id, kind, started_at, ended_at, declared_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING declaration_id`,
      [p.declarationId, p.caseId, p.sourcePersonId, p.personId, p.kind, new Date(p.startedAt), new Date(p.endedAt), new Date(p.declaredAt)],
    );
    if (inserted.length === 0) return;
    const [c] = await this.tx.manager.query(
      'SELECT case_id, person_id, confirmed_at, symptom_onset_at, sample_taken_at FROM tracing.traced_cases WHERE case_id = $1',
      [p.caseId],
    );
    if (!c || c.person_id !== p.sourcePersonId) return;
    const t = (v: Date | null) => (v ? new Date(v).getTime() : null);
    await this.tracer.addDeclared(
      { caseId: c.case_id, personId: c.person_id, confirmedAt: new Date(c.confirmed_at).getTime(), symptomOnsetAt: t(c.symptom_onset_at), sampleTakenAt: t(c.sample_taken_at) },
      { sourcePersonId: p.sourcePersonId, personId: p.personId, kind: p.kind, start: Date.parse(p.startedAt), end: Date.parse(p.endedAt) },
      cause,
    );
  }
}
