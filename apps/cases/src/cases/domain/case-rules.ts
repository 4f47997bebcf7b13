import { CaseOrigin, CaseOutcome, TestType } from '@ct/contracts';
import { AreaCatalog } from '@ct/platform';
import { isInFuture, Problems } from '../../shared/domain/problems';
import { CasesErrors } from '../../errors';

export interface CaseInput {
  confirmedAt: string;
  symptomOnsetAt: string | null;
  sampleTakenAt: string | null;
  testType: TestType;
  origin: CaseOrigin;
  areaCode: string;
}

export interface RuleContext {
  now: Date;
  /** Tolerated clock difference before a timestamp counts as "in the future". */
  skewMs: number;
  areas: AreaCatalog;
}

/**
 * A case's dates must be plausible: nothing in the future, symptoms and sample not after the
 * confirmation, and its area one of the known areas. Every problem is named by field.
 */
export function checkCaseInput(input: CaseInput, ctx: RuleContext): void {
  const p = new Problems();
  const confirmed = new Date(input.confirmedAt).getTime();
  if (isInFuture(input.confirmedAt, ctx.now, ctx.skewMs)) p.add('confirmedAt', 'confirmedAt must not be in the future');
  for (const field of ['symptomOnsetAt', 'sampleTakenAt'] as const) {
    const v = input[field];
    if (v === null) continue;
    if (isInFuture(v, ctx.now, ctx.skewMs)) p.add(field, `${field} must not be in the future`);
    if (new Date(v).getTime() > confirmed) p.add(field, `${field} must not be after confirmedAt`);
  }
  if (!ctx.areas.has(input.areaCode)) p.add('areaCode', 'areaCode is not a known area (see GET /areas)');
  p.throwIfAny(CasesErrors.caseInvalid);
}

export interface CaseState {
  caseId: string;
  status: 'OPEN' | 'CLOSED';
  confirmedAt: Date;
}

/** Closing: only an open case, not before its confirmation, not in the future. */
export function checkClose(c: CaseState, closedAt: string, ctx: Omit<RuleContext, 'areas'>): void {
  if (c.status !== 'OPEN') throw CasesErrors.caseAlreadyClosed(c.caseId);
  const p = new Problems();
  if (isInFuture(closedAt, ctx.now, ctx.skewMs)) p.add('closedAt', 'closedAt must not be in the future');
  if (new Date(closedAt) < c.confirmedAt) p.add('closedAt', 'closedAt must not be before the case was confirmed');
  p.throwIfAny(CasesErrors.caseInvalid);
}

/** Accepts recovered | deceased in either case; events carry the upper-case form. */
export function parseOutcome(raw: string): CaseOutcome | null {
  const up = raw.toUpperCase();
  return up === 'RECOVERED' || up === 'DECEASED' ? up : null;
}

/**
 * A declared contact: someone other than the case's person, exposed during a plausible interval
 * (ended at or after it started, nothing in the future), on a case still open.
 */
export function checkDeclaredContact(
  c: CaseState & { personId: string },
  contact: { personId: string; startedAt: string; endedAt: string },
  ctx: Omit<RuleContext, 'areas'>,
): void {
  if (c.status !== 'OPEN') throw CasesErrors.caseNotOpen(c.caseId);
  const p = new Problems();
  if (contact.personId === c.personId) p.add('personId', "a case's person is not their own contact");
  if (new Date(contact.endedAt) < new Date(contact.startedAt))
    p.add('endedAt', 'endedAt must be at or after startedAt');
  if (isInFuture(contact.startedAt, ctx.now, ctx.skewMs)) p.add('startedAt', 'startedAt must not be in the future');
  if (isInFuture(contact.endedAt, ctx.now, ctx.skewMs)) p.add('endedAt', 'endedAt must not be in the future');
  p.throwIfAny(CasesErrors.contactInvalid);
}

export const INVESTIGATION_STATUSES = ['open', 'closed'] as const;
export type InvestigationStatus = (typeof INVESTIGATION_STATUSES)[number];
