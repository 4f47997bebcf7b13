/** The visit store's injected clock (a `Clock`). */
export const VISITS_CLOCK = Symbol('VISITS_CLOCK');
/** The visit store's `VisitPolicy`, from the service's environment. */
export const VISIT_POLICY = Symbol('VISIT_POLICY');
