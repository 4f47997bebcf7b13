import { PeriodicTask, schedulePeriodic, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TracingEnv } from '../../config';
import { firstKeptDay, retentionCutoff } from '../domain/visit-policy';
import { VisitStore } from '../infrastructure/visit-store';

export interface RetentionRun {
  cutoff: string;
  droppedPartitions: { name: string; day: string; rows: number }[];
  purgedRows: number;
}

const LOCK = 'tracing:visit-retention';
const PARTITION = /^visits_(\d{4})(\d{2})(\d{2})$/;

/**
 * Retention of the visit store: drops whole day partitions whose every stay checked in before the
 * retention cutoff, counting their rows first, and records each run in tracing.visit_retention_runs.
 * Every RETENTION_INTERVAL_MINUTES (and shortly after start); with several instances, a PostgreSQL
 * advisory lock lets one of them do it while the others skip.
 */
@Injectable()
export class PurgeExpiredVisitsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(PurgeExpiredVisitsJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly ds: DataSource,
    private readonly store: VisitStore,
    @Inject(SERVICE_ENV) private readonly env: TracingEnv,
    private readonly clock: ServiceClock,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.env.RETENTION_INTERVAL_MINUTES;
    if (minutes <= 0) return;
    this.task = schedulePeriodic({
      everyMs: minutes * 60_000,
      firstAfterMs: 30_000,
      run: () => this.run(),
      onError: (err) => this.log.error(`visit retention run failed; next try in ${minutes} min: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** One retention pass; null when another instance holds the lock. */
  async run(): Promise<RetentionRun | null> {
    const startedAt = new Date();
    const now = this.clock.now();
    const cutoff = retentionCutoff(now, this.env.CHECKIN_RETENTION_DAYS);
    const keepFrom = firstKeptDay(now, this.env.CHECKIN_RETENTION_DAYS).replace(/-/g, '');
    const q = this.ds.createQueryRunner();
    await q.connect();
    try {
      const [{ locked }] = await q.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [LOCK]);
      if (!locked) {
        this.log.log('visit retention skipped: another instance is running it');
        return null;
      }
      try {
        const parts: { name: string }[] = await q.query(
          `SELECT c.relname AS name FROM pg_inherits i
             JOIN pg_class c ON c.oid = i.inhrelid
             JOIN pg_class p ON p.oid = i.inhparent
             JOIN pg_namespace n ON n.oid = p.relnamespace
           WHERE n.nspname = 'tracing' AND p.relname = 'visits' ORDER BY c.relname`,
        );
        const dropped: RetentionRun['droppedPartitions'] = [];
        for (const { name } of parts) {
          const m = PARTITION.exec(name);
          if (!m || `${m[1]}${m[2]}${m[3]}` >= keepFrom) continue;
          await q.startTransaction();
          try {
            // The count and the drop see the same rows: DROP waits for writers, and none can come after.
            await q.query(`LOCK TABLE tracing.${name} IN ACCESS EXCLUSIVE MODE`);
            const [{ n }] = await q.query(`SELECT count(*)::bigint AS n FROM tracing.${name}`);
            await q.query(`DROP TABLE tracing.${name}`);
            await q.commitTransaction();
            dropped.push({ name, day: `${m[1]}-${m[2]}-${m[3]}`, rows: Number(n) });
          } catch (err) {
            await q.rollbackTransaction();
            throw err;
          }
        }
        this.store.forgetDays(dropped.map((d) => d.day));
        const purgedRows = dropped.reduce((s, d) => s + d.rows, 0);
        await q.query(
          `INSERT INTO tracing.visit_retention_runs (started_at, finished_at, cutoff, dropped_partitions, purged_rows)
           VALUES ($1, now(), $2, $3, $4)`,
          [startedAt, cutoff, dropped.map((d) => d.name), purgedRows],
        );
        this.log.log(
          `visit retention: purged ${purgedRows} stays in ${dropped.length} day partitions before ${cutoff.toISOString()}` +
            (dropped.length ? ` (${dropped.map((d) => `${d.day}: ${d.rows}`).join(', ')})` : ''),
        );
        return { cutoff: cutoff.toISOString(), droppedPartitions: dropped, purgedRows };
      } finally {
        await q.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK]);
      }
    } finally {
      await q.release();
    }
  }
}
