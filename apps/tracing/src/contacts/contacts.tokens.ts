/** The engine's `TracingPolicy & EngineLimits`, from the service's environment. */
export const TRACING_POLICY = Symbol('TRACING_POLICY');
