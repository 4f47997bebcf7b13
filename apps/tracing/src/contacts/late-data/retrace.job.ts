import { PeriodicTask, schedulePeriodic } from '@ct/platform';
import { SERVICE_ENV, ServiceMetrics } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { TracingEnv } from '../../config';
import { CaseRetracer } from './case-retracer';
import { LateDataStore } from './late-data.store';
import { RetraceSignal } from './retrace-signal';

/** A lease on a request outlives any retrace (a super-spreader takes seconds); an instance that died gives its cases up after it. */
const LEASE_MS = 120_000;
/** A retrace that failed waits this long before it is tried again, so it never holds up the others. */
const RETRY_AFTER_MS = 30_000;

/**
 * Runs the retraces that late data asked for (tracing.retrace_requests), one case at a time per
 * instance, leased so that replicas never retrace a case together. Woken at once by this process
 * (RetraceSignal) and every TRACING_RETRACE_INTERVAL_SECONDS for requests made elsewhere, leases
 * that expired, and the sweep of leftovers.
 */
@Injectable()
export class RetraceJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RetraceJob.name);
  private task?: PeriodicTask;
  private pending = false;
  private loop?: Promise<void>;
  private stopped = false;
  private readonly foundLate: Counter<string>;
  private readonly retraces: Counter<'outcome'>;
  private readonly withdrawn: Counter<string>;

  constructor(
    private readonly retracer: CaseRetracer,
    private readonly late: LateDataStore,
    private readonly signal: RetraceSignal,
    @Inject(SERVICE_ENV) private readonly env: TracingEnv,
    metrics: ServiceMetrics,
  ) {
    const registers = [metrics.registry];
    this.foundLate = new Counter({
      name: 'tracing_contacts_found_late_total',
      help: 'Contacts found or changed by a retrace (late check-ins, check-outs or declarations)',
      registers,
    });
    this.withdrawn = new Counter({
      name: 'tracing_contacts_withdrawn_total',
      help: 'Contacts a retrace no longer found (a stay shorter than assumed), each a ContactWithdrawn',
      registers,
    });
    this.retraces = new Counter({
      name: 'tracing_retraces_total',
      help: 'Cases traced again because late data could change them, by outcome',
      labelNames: ['outcome'],
      registers,
    });
  }

  onApplicationBootstrap(): void {
    const seconds = this.env.TRACING_RETRACE_INTERVAL_SECONDS;
    if (seconds <= 0) return;
    this.signal.subscribe(() => this.kick());
    this.task = schedulePeriodic({
      everyMs: seconds * 1000,
      firstAfterMs: 1000,
      run: async () => {
        await this.late.sweep(this.env.CHECKIN_RETENTION_DAYS);
        this.kick();
        await this.loop;
      },
      onError: (err) => this.log.error(`retrace pass failed; next try in ${seconds} s: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    await this.loop;
  }

  /** Runs the waiting retraces soon (once more if a run is under way). */
  kick(): void {
    if (this.stopped) return;
    this.pending = true;
    this.loop ??= this.spin().finally(() => (this.loop = undefined));
  }

  private async spin(): Promise<void> {
    while (this.pending && !this.stopped) {
      this.pending = false;
      await this.drain().catch((err: Error) => this.log.error(`retrace pass failed: ${err.message}`));
    }
  }

  /** Retraces every case whose request can be leased now; returns how many. */
  async drain(): Promise<number> {
    let n = 0;
    for (let lease = await this.late.lease(LEASE_MS); lease && !this.stopped; lease = await this.late.lease(LEASE_MS)) {
      try {
        const result = await this.retracer.retrace(lease.caseId);
        await this.late.done(lease);
        const count = result?.written.length ?? 0;
        const withdrawn = result?.withdrawn ?? 0;
        this.foundLate.inc(count);
        this.withdrawn.inc(withdrawn);
        this.retraces.inc({ outcome: count + withdrawn > 0 ? 'changed' : 'unchanged' });
        if (count + withdrawn > 0)
          this.log.log(
            `case ${lease.caseId} retraced (${lease.reason}): ${count} contact(s) found or changed late, ${withdrawn} withdrawn`,
          );
        n++;
      } catch (err) {
        // One case failing (a bug, bad data) must not stop the queue behind it: it is tried again
        // later, and the pass goes on with the next case. A database outage fails the next lease too.
        this.retraces.inc({ outcome: 'failed' });
        this.log.error(
          `case ${lease.caseId} not retraced (${(err as Error).message}); next try in ${RETRY_AFTER_MS / 1000} s`,
        );
        await this.late.postpone(lease, RETRY_AFTER_MS);
      }
    }
    return n;
  }
}
