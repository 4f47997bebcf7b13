import { Injectable } from '@nestjs/common';

/**
 * Wakes the retrace job in this process when a retrace was asked for or may have become possible
 * (a batch matched a traced case; a case's tracing committed). Other processes' requests are found
 * by the job's periodic pass.
 */
@Injectable()
export class RetraceSignal {
  private readonly listeners: (() => void)[] = [];

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  kick(): void {
    for (const l of this.listeners) l();
  }
}
