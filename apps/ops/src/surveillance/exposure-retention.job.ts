import { PeriodicTask, schedulePeriodic, ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OpsEnv } from '../config';
import { ExposureStore } from './infrastructure/exposure.store';

/** Exposures per transaction. */
const BATCH = 5000;

/**
 * The 21-day rule for what ops reads from contacts.v1: every OPS_DLQ_RETENTION_INTERVAL_MINUTES,
 * exposures older than OPS_EXPOSURE_RETENTION_DAYS go (ExposureStore.purgeBefore keeps the links
 * and site days the weekly report needs, without persons or times).
 */
@Injectable()
export class ExposureRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ExposureRetentionJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly tx: TransactionHost,
    private readonly store: ExposureStore,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: OpsEnv,
  ) {}

  async pass(): Promise<{ purged: number; horizon: string }> {
    const horizon = new Date(this.clock.now().getTime() - this.env.OPS_EXPOSURE_RETENTION_DAYS * 86_400_000);
    let purged = 0;
    for (;;) {
      const n = await this.tx.run(() => this.store.purgeBefore(horizon, BATCH));
      purged += n;
      if (n < BATCH) break;
    }
    if (purged > 0) this.log.log(`removed ${purged} exposure(s) older than ${horizon.toISOString()}`);
    return { purged, horizon: horizon.toISOString() };
  }

  onApplicationBootstrap(): void {
    if (this.env.OPS_DLQ_RETENTION_INTERVAL_MINUTES === 0) return;
    const everyMs = this.env.OPS_DLQ_RETENTION_INTERVAL_MINUTES * 60_000;
    this.task = schedulePeriodic({
      everyMs,
      firstAfterMs: Math.min(everyMs, 60_000),
      run: () => this.pass(),
      onError: (err) => this.log.error(`exposure retention pass failed: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
