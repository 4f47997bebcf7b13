import { Principal, TransactionHost, ServiceClock } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/** DENIED: a read or change refused because the person is outside the caller's areas (answered 404). */
export type AuditAction = 'REGISTER' | 'UPDATE' | 'READ' | 'LOOKUP' | 'ERASE' | 'DENIED';

/**
 * Every read or change of identity data, written in the transaction of the read or change:
 * who (token subject and roles), when, which person, what, and which fields (names only, never values).
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly tx: TransactionHost,
    private readonly clock: ServiceClock,
  ) {}

  async record(who: Principal, action: AuditAction, personId: string | null, fields: string[]): Promise<void> {
    await this.tx.manager.query(
      'INSERT INTO cases.audit_log (at, subject, roles, person_id, action, fields) VALUES ($1, $2, $3, $4, $5, $6)',
      [this.clock.now(), who.subject, who.roles.join(','), personId, action, fields],
    );
  }

  async list(personId: string | undefined, page: number, pageSize: number) {
    const where = personId ? 'WHERE person_id = $3' : '';
    const params: unknown[] = [pageSize, (page - 1) * pageSize, ...(personId ? [personId] : [])];
    const rows: Record<string, unknown>[] = await this.tx.manager.query(
      `SELECT id, at, subject, roles, person_id, action, fields FROM cases.audit_log ${where} ORDER BY id DESC LIMIT $1 OFFSET $2`,
      params,
    );
    const [{ n }] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM cases.audit_log ${personId ? 'WHERE person_id = $1' : ''}`,
      personId ? [personId] : [],
    );
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        at: (r.at as Date).toISOString(),
        subject: r.subject,
        roles: String(r.roles).split(','),
        personId: r.person_id,
        action: r.action,
        fields: r.fields,
      })),
      page,
      pageSize,
      total: n as number,
    };
  }
}
