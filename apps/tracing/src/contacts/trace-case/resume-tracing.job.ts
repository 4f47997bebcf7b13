import { PeriodicTask, schedulePeriodic } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TracingEnv } from '../../config';
import { ContactTracer } from './contact-tracer';

/**
 * Resumes the F2 stage of cases whose F1 stage committed but whose F2 stage never finished (the
 * process stopped in between; the CaseConfirmed is then already in the inbox and will not come
 * back). Every TRACING_RESUME_INTERVAL_SECONDS, for cases traced at least that long ago. Several
 * instances may resume the same case: contacts are unique per case and person, so the second
 * finds nothing new and publishes nothing.
 */
@Injectable()
export class ResumeTracingJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ResumeTracingJob.name);
  private task?: PeriodicTask;

  constructor(private readonly tracer: ContactTracer, @Inject(SERVICE_ENV) private readonly env: TracingEnv) {}

  onApplicationBootstrap(): void {
    const seconds = this.env.TRACING_RESUME_INTERVAL_SECONDS;
    if (seconds <= 0) return;
    this.task = schedulePeriodic({
      everyMs: seconds * 1000,
      firstAfterMs: Math.min(seconds * 1000, 10_000),
      run: () => this.run(),
      onError: (err) => this.log.error(`resuming F2 stages failed; next try in ${seconds} s: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** One pass; returns how many cases were resumed. */
  async run(graceMs = this.env.TRACING_RESUME_INTERVAL_SECONDS * 1000): Promise<number> {
    const n = await this.tracer.resumePending(graceMs);
    if (n > 0) this.log.log(`resumed the F2 stage of ${n} case(s)`);
    return n;
  }
}
