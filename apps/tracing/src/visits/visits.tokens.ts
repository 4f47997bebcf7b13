/** The visit store's `VisitPolicy`, from the service's environment. */
export const VISIT_POLICY = Symbol('VISIT_POLICY');
