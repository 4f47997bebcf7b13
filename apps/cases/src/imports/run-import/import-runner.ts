import { Principal, ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ConfirmCase } from '../../cases/confirm-case/confirm-case.command';
import { CasesErrors } from '../../errors';
import { normalizeNationalId, normalizePhone } from '../../persons/domain/identity';
import { PersonStore } from '../../persons/infrastructure/person-store';
import { PersonsService } from '../../persons/persons.service';
import { AreaAccess, personNotFound } from '../../shared/infrastructure/area-access';
import { CaseRow, ImportKind, ImportRow, ParsedImport } from '../domain/import-rows';
import { ImportJobStore, LineProblem } from '../infrastructure/import-job-store';
import { lineProblem } from './import-checks';

/** Lines committed together in a real run (each line in its own savepoint). */
export const IMPORT_SLICE = 200;
class DryRunRollback extends Error {}

/**
 * Imports persons or cases line by line through the same paths as POST /persons and POST /cases
 * (their checks, duplicate detection, area scope, audit and events), each line in a savepoint so a
 * refused line leaves no trace. A dry run does every line in one transaction that is rolled back:
 * the report is the real run's (a line repeating an earlier line of the file is a duplicate too),
 * nothing is written. A real run commits every IMPORT_SLICE lines and records its progress.
 */
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger(ImportRunner.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly persons: PersonsService,
    private readonly personStore: PersonStore,
    private readonly commands: CommandBus,
    private readonly access: AreaAccess,
    private readonly jobs: ImportJobStore,
    private readonly clock: ServiceClock,
  ) {}

  async dryRun<K extends ImportKind>(who: Principal, kind: K, parsed: ParsedImport<K>) {
    let outcome = { created: 0, problems: [] as LineProblem[] };
    try {
      await this.tx.run(async () => {
        outcome = await this.lines(who, kind, parsed.rows);
        throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    const problems = [...parsed.problems.map((p) => ({ ...p, kind: 'INVALID' as const })), ...outcome.problems].sort(
      (a, b) => a.line - b.line,
    );
    return {
      dryRun: true,
      kind,
      total: parsed.rows.length + parsed.problems.length,
      wouldCreate: outcome.created,
      duplicates: problems.filter((p) => p.kind === 'DUPLICATE').length,
      rejected: problems.filter((p) => p.kind === 'INVALID').length,
      problems,
    };
  }

  /** Starts a real run in the background; GET /imports/:id reports its progress. */
  async start<K extends ImportKind>(who: Principal, kind: K, parsed: ParsedImport<K>) {
    const id = randomUUID();
    const total = parsed.rows.length + parsed.problems.length;
    const invalid = parsed.problems.map((p) => ({ ...p, kind: 'INVALID' as const }));
    await this.jobs.create(id, kind, total, invalid, who.subject, this.clock.now());
    void this.runJob(id, who, kind, parsed.rows);
    return { id, kind, status: 'RUNNING', total, progress: `/imports/${id}` };
  }

  private async runJob<K extends ImportKind>(id: string, who: Principal, kind: K, rows: ParsedImport<K>['rows']) {
    try {
      if (rows.length === 0) await this.jobs.progress(id, { processed: 0, created: 0, problems: [] }, this.clock.now());
      for (let i = 0; i < rows.length; i += IMPORT_SLICE) {
        const slice = rows.slice(i, i + IMPORT_SLICE);
        const outcome = await this.tx.run(() => this.lines(who, kind, slice));
        const last = i + IMPORT_SLICE >= rows.length;
        await this.jobs.progress(id, { processed: slice.length, ...outcome }, last ? this.clock.now() : null);
      }
    } catch (err) {
      this.logger.error(`import ${id} (${kind}) failed: ${(err as Error).message}`);
      await this.jobs.fail(id, this.clock.now()).catch(() => undefined);
    }
  }

  private async lines<K extends ImportKind>(who: Principal, kind: K, rows: ParsedImport<K>['rows']) {
    const m = this.tx.manager;
    let created = 0;
    const problems: LineProblem[] = [];
    for (const { line, row } of rows) {
      await m.query('SAVEPOINT import_line');
      try {
        if (kind === 'persons') await this.persons.register(who, row as ImportRow<'persons'>);
        else await this.confirm(who, row as CaseRow);
        await m.query('RELEASE SAVEPOINT import_line');
        created++;
      } catch (err) {
        await m.query('ROLLBACK TO SAVEPOINT import_line');
        problems.push(lineProblem(line, err));
      }
    }
    return { created, problems };
  }

  /** As POST /cases, the person found by person_id, else by national_id or phone among your areas. */
  private async confirm(who: Principal, row: CaseRow): Promise<void> {
    let personId = row.personId;
    if (!personId) {
      const phone = row.phone ? normalizePhone(row.phone) : null;
      const nationalId = row.nationalId ? normalizeNationalId(row.nationalId) : null;
      const field = row.nationalId ? 'national_id' : 'phone';
      const found =
        phone || nationalId
          ? await this.personStore.findBy(
              { phone: phone ?? undefined, nationalId: nationalId ?? undefined },
              this.access.scope(who).codes(),
            )
          : [];
      if (found.length !== 1)
        throw CasesErrors.caseInvalid('person not found', [
          {
            field,
            problems: [
              found.length ? 'several registered persons match' : 'no registered person of your areas matches',
            ],
          },
        ]);
      personId = found[0].personId;
    }
    const personArea = await this.access.personArea(personId);
    if (personArea !== null && !this.access.scope(who).covers(personArea)) throw personNotFound(personId);
    const target = row.areaCode ?? personArea;
    if (target !== null) this.access.requireTarget(who, target);
    await this.commands.execute(
      new ConfirmCase({
        personId,
        confirmedAt: row.confirmedAt,
        symptomOnsetAt: row.symptomOnsetAt,
        sampleTakenAt: row.sampleTakenAt,
        testType: row.testType,
        origin: row.origin,
        areaCode: row.areaCode ?? undefined,
      }),
    );
  }
}
