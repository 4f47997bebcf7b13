import { TracingPolicy } from './domain/tracing-policy';
import { EngineLimits } from './infrastructure/co-location.queries';

/** How big cases are traced (see ContactTracer.traceCase). */
export interface Staging {
  /** A case with more F1 than this is traced in stages. */
  stagedFromF1: number;
  /** F2 contacts stored (and their events queued) per transaction of a staged case: each commit wakes the outbox relay. */
  f2Chunk: number;
  /** From this many contacts on, a store first tries COPY (see ContactStore.store). */
  copyFrom: number;
}

/** The engine's rules, SQL limits and staging, from the service's environment (TRACING_POLICY). */
export type EnginePolicy = TracingPolicy & EngineLimits & Staging;
