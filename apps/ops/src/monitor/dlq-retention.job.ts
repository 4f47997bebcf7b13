import { PeriodicTask, schedulePeriodic, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OpsEnv } from '../config';
import { purgeDeadLetterPayloads } from './dlq.service';

/** Every OPS_DLQ_RETENTION_INTERVAL_MINUTES: dead-letter payloads older than OPS_DLQ_PAYLOAD_RETENTION_DAYS go. */
@Injectable()
export class DlqRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(DlqRetentionJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly tx: TransactionHost,
    @Inject(SERVICE_ENV) private readonly env: OpsEnv,
  ) {}

  async pass(): Promise<{ purged: number; cutoff: string }> {
    const cutoff = new Date(Date.now() - this.env.OPS_DLQ_PAYLOAD_RETENTION_DAYS * 86_400_000);
    const purged = await purgeDeadLetterPayloads(this.tx, cutoff);
    if (purged > 0) this.log.log(`removed the payload of ${purged} dead letter(s) older than ${cutoff.toISOString()}`);
    return { purged, cutoff: cutoff.toISOString() };
  }

  onApplicationBootstrap(): void {
    if (this.env.OPS_DLQ_RETENTION_INTERVAL_MINUTES === 0) return;
    const everyMs = this.env.OPS_DLQ_RETENTION_INTERVAL_MINUTES * 60_000;
    this.task = schedulePeriodic({
      everyMs,
      firstAfterMs: Math.min(everyMs, 60_000),
      run: () => this.pass(),
      onError: (err) => this.log.error(`dead-letter retention pass failed: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
