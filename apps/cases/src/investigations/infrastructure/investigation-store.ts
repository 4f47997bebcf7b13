import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { InvestigationStatus } from '../../cases/domain/case-rules';
import { CasesErrors } from '../../errors';

const iso = (v: unknown) => (v ? (v as Date).toISOString() : null);

/** A case's investigation as the API shows it. */
export interface InvestigationView {
  caseId: string;
  personId: string;
  status: InvestigationStatus;
  assignedTeam: string | null;
  notes: string | null;
  declaredContacts: number;
  openedAt: string | null;
  closedAt: string | null;
  updatedAt: string | null;
}

/** The fields of an investigation a tracer changes. */
export interface InvestigationChange {
  status: InvestigationStatus;
  assignedTeam: string | null;
  notes: string | null;
  closedAt: Date | null;
  updatedAt: Date;
}

/** `cases.investigations` (one per case), read with its case's person and declared contact count. */
@Injectable()
export class InvestigationStore {
  constructor(private readonly tx: TransactionHost) {}

  /** The case's investigation (locked for update when asked); 404 CASE.NOT_FOUND when there is none. */
  async load(caseId: string, lock = false): Promise<InvestigationView> {
    const rows = await this.tx.manager.query(
      `SELECT i.*, c.person_id, (SELECT count(*)::int FROM cases.declared_contacts d WHERE d.case_id = i.case_id) AS declared_contacts
         FROM cases.investigations i JOIN cases.cases c ON c.id = i.case_id WHERE i.case_id = $1 ${lock ? 'FOR UPDATE OF i' : ''}`,
      [caseId],
    );
    if (rows.length === 0) throw CasesErrors.caseNotFound(caseId);
    const r = rows[0];
    return {
      caseId: r.case_id as string,
      personId: r.person_id as string,
      status: r.status as InvestigationStatus,
      assignedTeam: r.assigned_team as string | null,
      notes: r.notes as string | null,
      declaredContacts: r.declared_contacts as number,
      openedAt: iso(r.opened_at),
      closedAt: iso(r.closed_at),
      updatedAt: iso(r.updated_at),
    };
  }

  async update(caseId: string, change: InvestigationChange): Promise<void> {
    await this.tx.manager.query(
      'UPDATE cases.investigations SET status = $2, assigned_team = $3, notes = $4, closed_at = $5, updated_at = $6 WHERE case_id = $1',
      [caseId, change.status, change.assignedTeam, change.notes, change.closedAt, change.updatedAt],
    );
  }
}
