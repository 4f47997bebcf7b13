import { Bool, DiffersFrom, Id, IdList, Int, Needs, Nested, NotBefore, OneOf, Timestamp, Uuid } from '../validation';
import { ASCII_ID, certainTimestamp } from './checkins.v1';

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

export const WITHDRAWAL_REASONS = ['NO_LONGER_EXPOSED'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

/**
 * A contact announced earlier is no longer one: data that arrived after it (a check-out before the
 * default end of a stay) shows no exposure left. Same contactId as its ContactIdentified. Orders
 * already given are not lifted by it automatically; staff decide (see ARCHITECTURE.md, "Late data").
 */
export class ContactWithdrawn {
  @Uuid() contactId: string;
  @Id() personId: string;
  @Uuid() sourceCaseId: string;
  /** The degree the contact had when it was withdrawn. */
  @OneOf(CONTACT_DEGREES) previousDegree: ContactDegree;
  @OneOf(WITHDRAWAL_REASONS) reason: WithdrawalReason;
  @Timestamp() withdrawnAt: string;
}

/**
 * A person whose stay overlapped one of a case's exposure sites (the case's own stays inside their
 * infectious window, as GET /exposure-sites publishes them) but who is neither an F1 nor an F2 of
 * that case (for example an overlap not longer than TRACING_MIN_OVERLAP_SECONDS): they are alerted
 * to watch their health. One per (case, venue, person), however often the case is traced again;
 * `personId` is the check-in app account. Never for a contact of the case at the time it is found.
 */
export class ExposureSiteVisitorIdentified {
  /** The same for the same case, venue and person. */
  @Uuid() alertId: string;
  @Id() @DiffersFrom('sourcePersonId') personId: string;
  /** The case's F0 (never a contact address; tracing knows no more of them than this id). */
  @Id() sourcePersonId: string;
  @Uuid() sourceCaseId: string;
  @Id() venueId: string;
  /** The earliest overlap of the person's stays with the case's there. */
  @Timestamp() startedAt: string;
  @Timestamp() @NotBefore('startedAt') endedAt: string;
  @Timestamp() identifiedAt: string;
}

// A fast path for tracing's bursts (a super-spreader yields tens of thousands of contacts, and
// class-validator costs ~200 µs per ContactIdentified): accepts only what is certainly valid under
// the decorators above (stricter: ASCII ids, RFC 4122 UUIDs, venueId null unless CO_LOCATION);
// anything else goes through class-validator. contacts.v1.spec.ts compares both.
/** A lowercase RFC 4122 UUID (versions 1-8): certainly valid under Uuid(); a subset of what it accepts. */
export const CERTAIN_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The payload when it is certainly valid (only the contract's fields kept), else null. */
export function certainContactIdentified(o: Record<string, unknown>): ContactIdentified | null {
  const { contactId, personId, sourcePersonId, sourceCaseId, degree, exposure, lastExposureAt, identifiedAt } = o;
  if (typeof contactId !== 'string' || !CERTAIN_UUID.test(contactId)) return null;
  if (typeof sourceCaseId !== 'string' || !CERTAIN_UUID.test(sourceCaseId)) return null;
  if (typeof personId !== 'string' || !ASCII_ID.test(personId)) return null;
  if (typeof sourcePersonId !== 'string' || !ASCII_ID.test(sourcePersonId) || sourcePersonId === personId) return null;
  if (degree !== 1 && degree !== 2) return null;
  if (Number.isNaN(certainTimestamp(lastExposureAt)) || Number.isNaN(certainTimestamp(identifiedAt))) return null;
  if (typeof exposure !== 'object' || exposure === null || Array.isArray(exposure)) return null;
  const { kind, venueId, startedAt, endedAt } = exposure as Record<string, unknown>;
  if (kind === 'CO_LOCATION') {
    if (typeof venueId !== 'string' || !ASCII_ID.test(venueId)) return null;
  } else if ((kind !== 'HOUSEHOLD' && kind !== 'DECLARED') || venueId !== null) return null;
  const s = certainTimestamp(startedAt);
  const e = certainTimestamp(endedAt);
  if (Number.isNaN(s) || Number.isNaN(e) || e < s) return null;
  const x = new Exposure();
  x.kind = kind;
  x.venueId = venueId;
  x.startedAt = startedAt as string;
  x.endedAt = endedAt as string;
  const p = new ContactIdentified();
  p.contactId = contactId;
  p.personId = personId;
  p.sourcePersonId = sourcePersonId;
  p.sourceCaseId = sourceCaseId;
  p.degree = degree;
  p.exposure = x;
  p.lastExposureAt = lastExposureAt as string;
  p.identifiedAt = identifiedAt as string;
  return p;
}

/** Most person ids in one ScreeningGroupResolved (a larger group is sent in several batches). */
export const SCREENING_GROUP_BATCH = 5000;

/**
 * Issue 18: tracing's answer to a ScreeningGroupRequested, from the visit store (within its
 * retention): the group's person ids in batches of at most SCREENING_GROUP_BATCH, batch 0 … batches − 1
 * (an empty group is one empty batch). Key planId, like the request. The receiver keeps each
 * (request, batch) once, so a batch sent twice or out of order changes nothing.
 */
export class ScreeningGroupResolved {
  @Uuid() requestId: string;
  @Uuid() planId: string;
  @Int(0, 100_000) round: number;
  @Int(0, 1000) batch: number;
  @Int(1, 1000) batches: number;
  @IdList(SCREENING_GROUP_BATCH) personIds: string[];
  /** true: more people matched than tracing answers for one group (the first ones were kept). */
  @Bool() truncated: boolean;
  @Timestamp() resolvedAt: string;
}
