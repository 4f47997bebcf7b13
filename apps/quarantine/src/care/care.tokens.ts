/** The service's `CarePolicy`, from its environment. */
export const CARE_POLICY = Symbol('CARE_POLICY');
