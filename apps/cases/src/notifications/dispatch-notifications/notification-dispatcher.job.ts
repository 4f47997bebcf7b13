import { PeriodicTask, schedulePeriodic, TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Channels } from '../channels/channels';
import { NotificationMetrics } from '../notification-metrics';
import { NotifyEnv } from '../notify.config';
import { TemplateCatalog } from '../infrastructure/template-files';
import { DeliveryStore } from '../infrastructure/delivery-store';
import { attemptDelivery } from './attempt';

/** How long a wake-up waits for more messages to lease with it. */
const COALESCE_MS = 20;

/**
 * Sends due messages: leases a batch (FOR UPDATE SKIP LOCKED, NOTIFY_LEASE_SECONDS, so replicas
 * never send one together and a dead instance's rows are taken over), sends them with at most
 * NOTIFY_DISPATCH_CONCURRENCY requests in flight, records every outcome in one statement, and goes
 * on while rows are due. Woken at once by a commit that planned a message due now, and every
 * NOTIFY_DISPATCH_INTERVAL_MS for the rest (reminders, retries, the morning after quiet hours).
 * On shutdown the batch in flight is finished and recorded; rows not yet tried are released, as are
 * rows whose send could no longer finish within the lease.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Notifications');
  private readonly owner: string;
  private task?: PeriodicTask;
  private pending = false;
  private loop?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly tx: TransactionHost,
    private readonly store: DeliveryStore,
    private readonly channels: Channels,
    private readonly templates: TemplateCatalog,
    private readonly metrics: NotificationMetrics,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {
    this.owner = `${env.NOTIFY_INSTANCE_ID || hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    if (env.NOTIFY_LEASE_SECONDS * 1000 < 2 * env.NOTIFY_SEND_TIMEOUT_MS)
      throw new Error('NOTIFY_LEASE_SECONDS must be at least twice NOTIFY_SEND_TIMEOUT_MS (in seconds)');
  }

  onApplicationBootstrap(): void {
    const every = this.env.NOTIFY_DISPATCH_INTERVAL_MS;
    if (every <= 0 || this.channels.enabled.length === 0) return;
    this.task = schedulePeriodic({
      everyMs: every,
      firstAfterMs: 200,
      run: async () => {
        this.kick();
        await this.loop;
      },
      onError: (err) => this.log.error(`notification dispatch failed: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    await this.loop;
  }

  /** Sends what is due soon (once more if a run is under way). */
  kick(): void {
    if (this.stopped) return;
    this.pending = true;
    this.loop ??= this.spin().finally(() => (this.loop = undefined));
  }

  private async spin(): Promise<void> {
    while (this.pending && !this.stopped) {
      // A burst of commits (a super-spreader's orders) is sent in batches rather than one lease each.
      await new Promise((r) => setTimeout(r, COALESCE_MS));
      this.pending = false;
      await this.drain().catch((err: Error) => this.log.error(`notification dispatch failed: ${err.message}`));
    }
  }

  /** Sends every message due now, batch after batch; returns how many were attempted. */
  async drain(): Promise<number> {
    let n = 0;
    while (!this.stopped) {
      const rows = await this.tx.run(() =>
        this.store.lease(
          this.owner,
          this.env.NOTIFY_DISPATCH_BATCH,
          this.env.NOTIFY_LEASE_SECONDS * 1000,
          this.clock.now(),
        ),
      );
      if (rows.length === 0) break;
      const recipients = await this.store.recipients([...new Set(rows.map((r) => r.personId))]);
      const results = new Array<Awaited<ReturnType<typeof attemptDelivery>> | undefined>(rows.length);
      let next = 0;
      // No send starts that could outlast the lease (another instance may then take the row over).
      const lastStart = Date.now() + this.env.NOTIFY_LEASE_SECONDS * 1000 - this.env.NOTIFY_SEND_TIMEOUT_MS - 1000;
      const worker = async () => {
        for (let i = next++; i < rows.length && !this.stopped && Date.now() < lastStart; i = next++) {
          const r = rows[i];
          results[i] = await attemptDelivery(r, recipients.get(r.personId)!, {
            sender: this.channels.byChannel[r.channel],
            templates: this.templates,
            clock: this.clock,
            env: this.env,
          });
          this.metrics.count(r.channel, results[i]!.outcome);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.env.NOTIFY_DISPATCH_CONCURRENCY, rows.length) }, worker));
      const done = results.filter((r) => r !== undefined).map((r) => r.result);
      const untried = rows.filter((_, i) => results[i] === undefined).map((r) => r.id);
      await this.tx.run(async () => {
        await this.store.complete(this.owner, done, this.clock.now());
        await this.store.release(this.owner, untried);
      });
      n += done.length;
    }
    return n;
  }
}
