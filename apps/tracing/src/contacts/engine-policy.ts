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

/** Who is told about an exposure site without being a contact. */
export interface ExposureAlerts {
  /** A site stays risky this long after the case left (TRACING_EXPOSURE_LINGER_MINUTES). */
  exposureLingerMs: number;
}

/** The engine's rules, SQL limits and staging, from the service's environment (TRACING_POLICY). */
export type EnginePolicy = TracingPolicy & EngineLimits & Staging & ExposureAlerts;
