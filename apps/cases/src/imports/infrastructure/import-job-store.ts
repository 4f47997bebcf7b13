import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { FieldProblem } from '../../shared/domain/problems';
import { ImportKind } from '../domain/import-rows';

export interface LineProblem {
  line: number;
  /** DUPLICATE (already registered / case already open) or INVALID. */
  kind: 'DUPLICATE' | 'INVALID';
  fields: FieldProblem[];
  existingPersonId?: string;
}

/** cases.import_jobs: an import's progress and the problems of its lines. */
@Injectable()
export class ImportJobStore {
  constructor(private readonly tx: TransactionHost) {}

  async create(id: string, kind: ImportKind, total: number, problems: LineProblem[], by: string, at: Date) {
    await this.tx.run((m) =>
      m.query(
        `INSERT INTO cases.import_jobs (id, kind, status, total, processed, rejected, problems, created_by, created_at)
         VALUES ($1, $2, 'RUNNING', $3, $4, $4, $5, $6, $7)`,
        [id, kind, total, problems.length, JSON.stringify(problems), by, at],
      ),
    );
  }

  /** Adds a slice's outcome to the job (one statement, so progress is never lost half-way). */
  async progress(id: string, d: { processed: number; created: number; problems: LineProblem[] }, done: Date | null) {
    const duplicates = d.problems.filter((p) => p.kind === 'DUPLICATE').length;
    await this.tx.run((m) =>
      m.query(
        `UPDATE cases.import_jobs SET processed = processed + $2, created = created + $3, duplicates = duplicates + $4,
           rejected = rejected + $5, problems = problems || $6::jsonb,
           status = CASE WHEN $7::timestamptz IS NULL THEN status ELSE 'DONE' END, finished_at = $7 WHERE id = $1`,
        [id, d.processed, d.created, duplicates, d.problems.length - duplicates, JSON.stringify(d.problems), done],
      ),
    );
  }

  async fail(id: string, at: Date) {
    await this.tx.run((m) =>
      m.query(`UPDATE cases.import_jobs SET status = 'FAILED', finished_at = $2 WHERE id = $1`, [id, at]),
    );
  }

  /** The job, when the caller started it (admin: any). */
  async find(id: string, subject: string | null) {
    const [r] = await this.tx.manager.query(
      `SELECT id, kind, status, total, processed, created, duplicates, rejected, problems, created_by, created_at, finished_at
         FROM cases.import_jobs WHERE id = $1 AND ($2::text IS NULL OR created_by = $2)`,
      [id, subject],
    );
    if (!r) return null;
    const problems = (r.problems as LineProblem[]).sort((a, b) => a.line - b.line);
    return {
      id: r.id as string,
      kind: r.kind as ImportKind,
      status: r.status as string,
      total: r.total as number,
      processed: r.processed as number,
      created: r.created as number,
      duplicates: r.duplicates as number,
      rejected: r.rejected as number,
      problems,
      createdBy: r.created_by as string,
      createdAt: (r.created_at as Date).toISOString(),
      finishedAt: r.finished_at ? (r.finished_at as Date).toISOString() : null,
    };
  }
}
