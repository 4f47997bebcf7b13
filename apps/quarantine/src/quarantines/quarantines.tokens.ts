/** The service's `QuarantinePolicy`, from its environment. */
export const QUARANTINE_POLICY = Symbol('QUARANTINE_POLICY');
/** The configured centralized facilities (`Facility[]`). */
export const FACILITIES = Symbol('FACILITIES');
