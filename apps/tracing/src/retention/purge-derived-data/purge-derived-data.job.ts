import { PeriodicTask, schedulePeriodic, ServiceClock } from '@ct/platform';
import { SERVICE_ENV, ServiceMetrics } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource, QueryRunner } from 'typeorm';
import { TracingEnv } from '../../config';
import { derivedHorizon, partitionDay } from '../domain/derived-retention';
import {
  oldestVisitPartition,
  purgeExpiredCaseContacts,
  purgeExpiredExposureSites,
  purgeStaleLateData,
  recordRun,
} from './derived-data.queries';

export interface DerivedRetentionRun {
  horizon: string;
  cases: number;
  contacts: number;
  exposureSites: number;
  traceIntents: number;
  retraceRequests: number;
}

const LOCK = 'tracing:derived-retention';
/** Cases per transaction (all their contacts go with them) and exposure sites per transaction. */
const CASES_PER_TX = 500;
const SITES_PER_TX = 10_000;

/**
 * The 21-day rule for what tracing derives from check-ins (ARCHITECTURE.md, "Retention"): contacts
 * of cases done with and exposure sites older than TRACING_CONTACT_RETENTION_DAYS (never before the
 * visit store has dropped the stays they came from), and stale late-data rows. Every
 * RETENTION_INTERVAL_MINUTES, like the visit retention; one instance at a time (advisory lock).
 * Each run is recorded in tracing.derived_retention_runs and logged as counts only.
 */
@Injectable()
export class PurgeDerivedDataJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(PurgeDerivedDataJob.name);
  private task?: PeriodicTask;
  private readonly purged: Counter<'table'>;
  private readonly lastHorizon: Gauge;

  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_ENV) private readonly env: TracingEnv,
    private readonly clock: ServiceClock,
    metrics: ServiceMetrics,
  ) {
    const registers = [metrics.registry];
    this.purged = new Counter({
      name: 'tracing_retention_purged_rows_total',
      help: 'Rows derived from check-ins removed by the retention job, per table',
      labelNames: ['table'],
      registers,
    });
    this.lastHorizon = new Gauge({
      name: 'tracing_retention_horizon_seconds',
      help: 'Horizon of the last derived-data retention run (Unix time): older contacts and exposure sites are gone',
      registers,
    });
  }

  onApplicationBootstrap(): void {
    const minutes = this.env.RETENTION_INTERVAL_MINUTES;
    if (minutes <= 0) return;
    this.task = schedulePeriodic({
      everyMs: minutes * 60_000,
      // After the visit retention's first run (30 s), so the horizon can move with the dropped days.
      firstAfterMs: 45_000,
      run: () => this.run(),
      onError: (err) => this.log.error(`derived-data retention run failed; next try in ${minutes} min: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** The horizon a run would use now. */
  async horizon(q?: QueryRunner): Promise<Date> {
    const runner = q ?? this.ds.createQueryRunner();
    try {
      const oldest = await oldestVisitPartition(runner);
      return derivedHorizon(this.clock.now(), this.env.TRACING_CONTACT_RETENTION_DAYS, oldest && partitionDay(oldest));
    } finally {
      if (!q) await runner.release();
    }
  }

  /** One retention pass; null when another instance holds the lock. */
  async run(): Promise<DerivedRetentionRun | null> {
    const startedAt = new Date();
    const q = this.ds.createQueryRunner();
    await q.connect();
    try {
      const [{ locked }] = await q.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [LOCK]);
      if (!locked) {
        this.log.log('derived-data retention skipped: another instance is running it');
        return null;
      }
      try {
        return await this.pass(q, startedAt);
      } finally {
        await q.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK]);
      }
    } finally {
      await q.release();
    }
  }

  private async pass(q: QueryRunner, startedAt: Date): Promise<DerivedRetentionRun> {
    const horizon = await this.horizon(q);
    const total = { cases: 0, contacts: 0, sites: 0, intents: 0, requests: 0 };
    for (;;) {
      const r = await inTransaction(q, () => purgeExpiredCaseContacts(q, horizon, CASES_PER_TX));
      total.cases += r.cases;
      total.contacts += r.contacts;
      if (r.cases < CASES_PER_TX) break;
    }
    for (;;) {
      const n = await inTransaction(q, () => purgeExpiredExposureSites(q, horizon, SITES_PER_TX));
      total.sites += n;
      if (n < SITES_PER_TX) break;
    }
    const late = await purgeStaleLateData(q, horizon);
    total.intents = late.intents;
    total.requests = late.requests;
    await recordRun(q, { startedAt, horizon, ...total });

    this.purged.inc({ table: 'contacts' }, total.contacts);
    this.purged.inc({ table: 'exposure_sites' }, total.sites);
    this.purged.inc({ table: 'trace_intents' }, total.intents);
    this.purged.inc({ table: 'retrace_requests' }, total.requests);
    this.lastHorizon.set(horizon.getTime() / 1000);
    this.log.log(
      `derived-data retention before ${horizon.toISOString()}: ${total.contacts} contacts of ${total.cases} cases, ` +
        `${total.sites} exposure sites, ${total.intents} trace intents, ${total.requests} retrace requests purged`,
    );
    return {
      horizon: horizon.toISOString(),
      cases: total.cases,
      contacts: total.contacts,
      exposureSites: total.sites,
      traceIntents: total.intents,
      retraceRequests: total.requests,
    };
  }
}

async function inTransaction<T>(q: QueryRunner, work: () => Promise<T>): Promise<T> {
  await q.startTransaction();
  try {
    const result = await work();
    await q.commitTransaction();
    return result;
  } catch (err) {
    await q.rollbackTransaction();
    throw err;
  }
}
