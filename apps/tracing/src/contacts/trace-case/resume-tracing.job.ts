import { PeriodicTask, schedulePeriodic } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TracingEnv } from '../../config';
import { F2Stage } from './f2-stage';

/**
 * Resumes the F2 stage of cases whose F1 stage committed but whose F2 stage never finished (the
 * process stopped in between; the CaseConfirmed is then already in the inbox and will not come
 * back): at start (a restarted instance takes its own stages back at once), then every
 * TRACING_RESUME_INTERVAL_SECONDS for stages whose lease (TRACING_F2_LEASE_SECONDS, renewed at
 * every chunk) ran out. Leased, so two instances never resume one case together; contacts are
 * unique per case and person anyway, so a stage run twice publishes nothing twice.
 */
@Injectable()
export class ResumeTracingJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ResumeTracingJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly stage: F2Stage,
    @Inject(SERVICE_ENV) private readonly env: TracingEnv,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.env.TRACING_RESUME_INTERVAL_SECONDS;
    if (seconds <= 0) return;
    this.task = schedulePeriodic({
      everyMs: seconds * 1000,
      firstAfterMs: 500,
      run: () => this.run(),
      onError: (err) => this.log.error(`resuming F2 stages failed; next try in ${seconds} s: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** One pass; returns how many cases were resumed (`graceMs`: only cases traced longer ago than that). */
  async run(graceMs = 0): Promise<number> {
    const n = await this.stage.resumePending(graceMs);
    if (n > 0) this.log.log(`resumed the F2 stage of ${n} case(s)`);
    return n;
  }
}
