/** The engine's `TracingPolicy & EngineLimits`, from the service's environment. */
export const TRACING_POLICY = Symbol('TRACING_POLICY');
/** The engine's clock (identification time). */
export const TRACING_CLOCK = Symbol('TRACING_CLOCK');
