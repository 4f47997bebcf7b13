import { AgeBand } from '@ct/contracts';
import { AreaCatalog } from '@ct/platform';
import { isInFuture, Problems } from '../../shared/domain/problems';
import { normalizeNationalId, normalizePhone } from './identity';
import { CasesErrors } from '../../errors';

/** What a tracer may state about a person; every field optional on an update. */
export interface PersonFields {
  fullName?: string;
  phone?: string | null;
  nationalId?: string | null;
  dateOfBirth?: string | null;
  address?: string | null;
  areaCode?: string;
  vaccination?: { doses: number; lastDoseAt?: string | null };
  recoveredAt?: string | null;
  email?: string | null;
  language?: PersonLanguage | null;
  /** Has a listed underlying disease (care pathway: home treatment rule); null = unknown. */
  underlyingCondition?: boolean | null;
  pregnant?: boolean | null;
}

export const PERSON_LANGUAGES = ['vi', 'en'] as const;
export type PersonLanguage = (typeof PERSON_LANGUAGES)[number];

export interface PersonRecord {
  personId: string;
  fullName: string;
  phone: string | null;
  nationalId: string | null;
  dateOfBirth: string | null;
  address: string | null;
  areaCode: string;
  vaccineDoses: number;
  lastDoseAt: string | null;
  recoveredAt: string | null;
  /** Where e-mail notifications go (identity data, like the phone). */
  email: string | null;
  /** Language of notifications; null = Vietnamese. */
  language: PersonLanguage | null;
  underlyingCondition: boolean | null;
  pregnant: boolean | null;
}

/** The non-identifying facts other services receive (PersonProfileChanged). */
export type PersonProfile = Pick<
  PersonRecord,
  'personId' | 'areaCode' | 'vaccineDoses' | 'lastDoseAt' | 'recoveredAt' | 'underlyingCondition' | 'pregnant'
> & { ageBand: AgeBand | null };

/** The age band of a birth date on a day (UTC); null when the date of birth is unknown. */
export function ageBandOf(dateOfBirth: string | null, now: Date): AgeBand | null {
  if (!dateOfBirth) return null;
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  const today = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  const years = today[0] - y - (today[1] < m || (today[1] === m && today[2] < d) ? 1 : 0);
  if (years < 1) return 'UNDER_1';
  return years <= 50 ? '1_TO_50' : 'OVER_50';
}

export function profileOf(p: PersonRecord, now: Date): PersonProfile {
  return {
    personId: p.personId,
    areaCode: p.areaCode,
    vaccineDoses: p.vaccineDoses,
    lastDoseAt: p.lastDoseAt,
    recoveredAt: p.recoveredAt,
    ageBand: ageBandOf(p.dateOfBirth, now),
    underlyingCondition: p.underlyingCondition,
    pregnant: p.pregnant,
  };
}

export function profileChanged(a: PersonProfile, b: PersonProfile): boolean {
  const t = (v: string | null) => (v === null ? null : new Date(v).getTime());
  return (
    a.areaCode !== b.areaCode ||
    a.vaccineDoses !== b.vaccineDoses ||
    t(a.lastDoseAt) !== t(b.lastDoseAt) ||
    t(a.recoveredAt) !== t(b.recoveredAt) ||
    a.ageBand !== b.ageBand ||
    a.underlyingCondition !== b.underlyingCondition ||
    a.pregnant !== b.pregnant
  );
}

/**
 * Applies `patch` to `current` (or to an empty person when registering) and checks the rules:
 * known area, no future dates, phone and ID number in a recognizable form, a last dose only
 * when doses were given. Every problem is reported by field name; nothing identifying is put in
 * the messages.
 */
export function applyPersonFields(
  personId: string,
  current: PersonRecord | null,
  patch: PersonFields,
  ctx: { now: Date; skewMs: number; areas: AreaCatalog },
): PersonRecord {
  const problems = new Problems();
  const next: PersonRecord = current
    ? { ...current }
    : {
        personId,
        fullName: '',
        phone: null,
        nationalId: null,
        dateOfBirth: null,
        address: null,
        areaCode: '',
        vaccineDoses: 0,
        lastDoseAt: null,
        recoveredAt: null,
        email: null,
        language: null,
        underlyingCondition: null,
        pregnant: null,
      };

  if (patch.fullName !== undefined) next.fullName = patch.fullName.trim();
  if (!current && !next.fullName) problems.add('fullName', 'fullName is required');
  if (patch.phone !== undefined) {
    if (patch.phone === null || patch.phone.trim() === '') next.phone = null;
    else {
      const phone = normalizePhone(patch.phone);
      if (phone === null)
        problems.add('phone', 'phone must be a Vietnamese (0…, +84…) or international (+…) phone number');
      next.phone = phone;
    }
  }
  if (patch.nationalId !== undefined) {
    if (patch.nationalId === null || patch.nationalId.trim() === '') next.nationalId = null;
    else {
      const id = normalizeNationalId(patch.nationalId);
      if (id === null) problems.add('nationalId', 'nationalId must be 6 to 20 letters or digits');
      next.nationalId = id;
    }
  }
  if (patch.dateOfBirth !== undefined) {
    next.dateOfBirth = patch.dateOfBirth;
    if (patch.dateOfBirth !== null && isInFuture(`${patch.dateOfBirth}T00:00:00Z`, ctx.now, 0)) {
      problems.add('dateOfBirth', 'dateOfBirth must not be in the future');
    }
  }
  if (patch.address !== undefined) next.address = patch.address;
  if (patch.areaCode !== undefined) {
    next.areaCode = patch.areaCode;
    if (!ctx.areas.has(patch.areaCode)) problems.add('areaCode', 'areaCode is not a known area (see GET /areas)');
  } else if (!current) {
    problems.add('areaCode', 'areaCode is required');
  }
  if (patch.vaccination !== undefined) {
    next.vaccineDoses = patch.vaccination.doses;
    next.lastDoseAt = patch.vaccination.lastDoseAt ?? null;
    if (next.lastDoseAt !== null) {
      if (next.vaccineDoses === 0)
        problems.add('vaccination.lastDoseAt', 'vaccination.lastDoseAt needs at least one dose');
      if (isInFuture(next.lastDoseAt, ctx.now, ctx.skewMs))
        problems.add('vaccination.lastDoseAt', 'vaccination.lastDoseAt must not be in the future');
    }
  }
  if (patch.recoveredAt !== undefined) {
    next.recoveredAt = patch.recoveredAt;
    if (patch.recoveredAt !== null && isInFuture(patch.recoveredAt, ctx.now, ctx.skewMs)) {
      problems.add('recoveredAt', 'recoveredAt must not be in the future');
    }
  }
  if (patch.email !== undefined) {
    next.email = patch.email === null || patch.email.trim() === '' ? null : patch.email.trim();
    if (next.email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(next.email))
      problems.add('email', 'email must be an e-mail address');
  }
  if (patch.language !== undefined) next.language = patch.language;
  if (patch.underlyingCondition !== undefined) next.underlyingCondition = patch.underlyingCondition;
  if (patch.pregnant !== undefined) next.pregnant = patch.pregnant;
  if (next.dateOfBirth && next.lastDoseAt && new Date(next.lastDoseAt) < new Date(`${next.dateOfBirth}T00:00:00Z`)) {
    problems.add('vaccination.lastDoseAt', 'vaccination.lastDoseAt must not be before dateOfBirth');
  }
  problems.throwIfAny(CasesErrors.personInvalid);
  return next;
}
