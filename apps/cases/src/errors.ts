import { errorCode } from '@ct/platform';
import type { FieldProblem } from './shared/domain/problems';

/** A 400 that names every bad field (`details: [{ field, problems }]`). */
const fields = (message: string, details: FieldProblem[]) => ({ message, details: { details } });

/**
 * Every error code the cases service answers with, each once: its kind (400 invalid, 403
 * forbidden, 404 not_found, 409 conflict) and its message. Throw `CasesErrors.<name>(…)`.
 */
export const CasesErrors = {
  areaOutOfScope: errorCode('AREA.OUT_OF_SCOPE', 'forbidden', (field: string) => {
    const problem = `${field} is not one of the areas you serve (or below them)`;
    return fields(problem, [{ field, problems: [problem] }]);
  }),

  caseNotFound: errorCode('CASE.NOT_FOUND', 'not_found', (caseId: string) => `case ${caseId} not found`),
  caseAlreadyOpen: errorCode('CASE.ALREADY_OPEN', 'conflict', (caseId: string) => ({
    message: 'this person already has an open case',
    details: { caseId },
  })),
  caseAlreadyClosed: errorCode('CASE.ALREADY_CLOSED', 'conflict', (caseId: string) => ({
    message: 'the case is already closed',
    details: { caseId },
  })),
  caseNotOpen: errorCode('CASE.NOT_OPEN', 'conflict', (caseId: string) => ({
    message: 'contacts can be declared only on an open case',
    details: { caseId },
  })),
  caseInvalid: errorCode('CASE.INVALID', 'invalid', fields),
  caseQueryInvalid: errorCode('CASE.QUERY_INVALID', 'invalid', fields),

  contactInvalid: errorCode('CONTACT.INVALID', 'invalid', fields),
  contactAlreadyDeclared: errorCode('CONTACT.ALREADY_DECLARED', 'conflict', (declarationId: string) => ({
    message: 'this person is already a declared contact of the case',
    details: { declarationId },
  })),

  personInvalid: errorCode('PERSON.INVALID', 'invalid', fields),
  personLookupInvalid: errorCode('PERSON.LOOKUP_INVALID', 'invalid', fields),
  /** `hint` is added to the message; `details` (e.g. `{ personId }`) where the answer carries them. */
  personNotFound: errorCode(
    'PERSON.NOT_FOUND',
    'not_found',
    (personId: string, more: { hint?: string; details?: Record<string, unknown> } = {}) => ({
      message: `person ${personId} is not registered${more.hint ?? ''}`,
      details: more.details,
    }),
  ),
  personExists: errorCode('PERSON.EXISTS', 'conflict', (personId: string) => ({
    message: 'a person with this personId is already registered',
    details: { existingPersonId: personId },
  })),
  /** `fields` known: the message names them; unknown (a unique index caught a race): the generic one. */
  personDuplicate: errorCode(
    'PERSON.DUPLICATE',
    'conflict',
    (existingPersonId: string, fields: string[], named: boolean) => ({
      message: named
        ? `another person is registered with the same ${fields.join(' and ')}`
        : 'another person is registered with the same personId, phone or nationalId',
      details: { existingPersonId, fields },
    }),
  ),
  personErased: errorCode(
    'PERSON.ERASED',
    'conflict',
    (personId: string) => `person ${personId} was erased; register the person again`,
  ),
  personNotErasable: errorCode(
    'PERSON.NOT_ERASABLE',
    'conflict',
    (personId: string, reason: string) => `person ${personId} cannot be erased yet: ${reason}`,
  ),

  labUploadInvalid: errorCode('LAB.UPLOAD_INVALID', 'invalid', fields),
  labResultNotFound: errorCode('LAB.RESULT_NOT_FOUND', 'not_found', (id: string) => `lab result ${id} not found`),
  labResultResolved: errorCode('LAB.RESULT_RESOLVED', 'conflict', (id: string) => ({
    message: 'the lab result is already matched to a person',
    details: { id },
  })),
  labResolveInvalid: errorCode('LAB.RESOLVE_INVALID', 'invalid', fields),
  arrivalInvalid: errorCode('ARRIVAL.INVALID', 'invalid', fields),
  exportQueryInvalid: errorCode('EXPORT.QUERY_INVALID', 'invalid', fields),
  importInvalid: errorCode('IMPORT.INVALID', 'invalid', fields),
  importNotFound: errorCode('IMPORT.NOT_FOUND', 'not_found', (id: string) => `import ${id} not found`),
};
