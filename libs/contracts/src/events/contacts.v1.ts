import { DiffersFrom, Id, Needs, Nested, NotBefore, OneOf, Timestamp, Uuid } from '../validation';

export const EXPOSURE_KINDS = ['CO_LOCATION', 'HOUSEHOLD', 'DECLARED'] as const;
export type ExposureKind = (typeof EXPOSURE_KINDS)[number];

/** 1 = F1 (exposed to the F0), 2 = F2 (exposed to an F1). */
export const CONTACT_DEGREES = [1, 2] as const;
export type ContactDegree = (typeof CONTACT_DEGREES)[number];

export class Exposure {
  @OneOf(EXPOSURE_KINDS) @Needs('venueId', ['CO_LOCATION']) kind: ExposureKind;
  @Id({ nullable: true }) venueId: string | null;
  @Timestamp() startedAt: string;
  @Timestamp() @NotBefore('startedAt') endedAt: string;
}

/** One person is one contact of one source, however many stays overlapped. */
export class ContactIdentified {
  @Uuid() contactId: string;
  @Id() @DiffersFrom('sourcePersonId') personId: string;
  /** Degree 1: the F0. Degree 2: the F1 through whom this person was exposed. */
  @Id() sourcePersonId: string;
  /** Always the F0's case, for either degree. */
  @Uuid() sourceCaseId: string;
  @OneOf(CONTACT_DEGREES) degree: ContactDegree;
  @Nested(() => Exposure) exposure: Exposure;
  @Timestamp() lastExposureAt: string;
  @Timestamp() identifiedAt: string;
}
