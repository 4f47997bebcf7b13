import { LabResultPurpose } from '@ct/contracts';
import { FieldProblem } from '../../shared/domain/problems';
import { ParsedUpload, RawLabResult, rejectRepeats, SARS_COV_2_LOINC, validateLabResult } from './lab-result';

/** Code systems of the FHIR profile accepted (README "Lab results: FHIR R4"). */
export const FHIR = {
  LOINC: 'http://loinc.org',
  SNOMED: 'http://snomed.info/sct',
  INTERPRETATION: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  IDENTIFIER_TYPE: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  PERSON_ID: 'urn:contact-tracing:person-id',
  NATIONAL_ID: 'urn:contact-tracing:national-id',
} as const;

const SNOMED_RESULT: Record<string, string> = {
  '10828004': 'POSITIVE',
  '260373001': 'POSITIVE', // detected
  '260385009': 'NEGATIVE',
  '260415000': 'NEGATIVE', // not detected
  '419984006': 'INCONCLUSIVE',
  '82334004': 'INCONCLUSIVE', // indeterminate
};
const INTERPRETATION_RESULT: Record<string, string> = {
  POS: 'POSITIVE',
  DET: 'POSITIVE',
  NEG: 'NEGATIVE',
  ND: 'NEGATIVE',
  IND: 'INCONCLUSIVE',
};
const FINAL = ['final', 'amended', 'corrected'];

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const codings = (concept: unknown) =>
  arr(obj(concept)?.coding)
    .map(obj)
    .filter((c): c is Json => !!c);

/**
 * A FHIR R4 Bundle (type collection, transaction, batch or message) of DiagnosticReport, Observation
 * and Patient resources. Each DiagnosticReport is one result: its identifier is the lab's result id,
 * its subject the Patient (a reference to a Patient entry, or an identifier), its result the
 * Observation with a SARS-CoV-2 LOINC code and a SNOMED CT value (or an interpretation). Problems
 * name the entry (0-based index in `entry`) and the FHIR path; an Observation no report refers to is
 * rejected, other resource types too.
 */
export function parseLabBundle(
  body: unknown,
  ctx: { now: Date; skewMs: number; purpose?: LabResultPurpose },
): { ok: true; upload: ParsedUpload } | { ok: false; problems: FieldProblem[] } {
  const bundle = obj(body);
  if (!bundle || bundle.resourceType !== 'Bundle')
    return { ok: false, problems: [{ field: 'resourceType', problems: ['resourceType must be Bundle'] }] };
  if (!Array.isArray(bundle.entry))
    return { ok: false, problems: [{ field: 'entry', problems: ['entry must be an array of bundle entries'] }] };
  const entries = bundle.entry.map((e) => obj(obj(e)?.resource));
  const byRef = new Map<string, number>();
  bundle.entry.forEach((e, i) => {
    const r = entries[i];
    const fullUrl = str(obj(e)?.fullUrl);
    if (fullUrl) byRef.set(fullUrl, i);
    if (r && str(r.resourceType) && str(r.id)) byRef.set(`${String(r.resourceType)}/${String(r.id)}`, i);
  });
  const resolve = (ref: unknown, type: string): Json | undefined => {
    const target = str(obj(ref)?.reference);
    const i = target === undefined ? undefined : byRef.get(target);
    return i === undefined || entries[i]?.resourceType !== type ? undefined : entries[i];
  };

  const upload: ParsedUpload = { format: 'FHIR', unit: 'entry', results: [], rejected: [] };
  const referenced = new Set<Json>();
  entries.forEach((r) => {
    if (r?.resourceType === 'DiagnosticReport')
      for (const x of arr(r.result)) {
        const o = resolve(x, 'Observation');
        if (o) referenced.add(o);
      }
  });
  entries.forEach((r, i) => {
    const path = `entry[${i}].resource`;
    const reject = (field: string, problem: string) =>
      upload.rejected.push({ at: i, fields: [{ field: `${path}.${field}`, problems: [problem] }] });
    if (!r) {
      reject('resourceType', 'the entry has no resource');
      return;
    }
    if (r.resourceType === 'Patient') return;
    if (r.resourceType === 'Observation') {
      if (!referenced.has(r)) reject('id', 'an Observation must be the result of a DiagnosticReport of the bundle');
      return;
    }
    if (r.resourceType !== 'DiagnosticReport') {
      reject('resourceType', 'resourceType must be DiagnosticReport, Observation or Patient');
      return;
    }
    const problems: FieldProblem[] = [];
    if (!FINAL.includes(str(r.status) ?? ''))
      problems.push({ field: `${path}.status`, problems: [`status must be one of ${FINAL.join(', ')}`] });
    const observations = arr(r.result).map((x) => resolve(x, 'Observation'));
    const sars = observations.filter((o): o is Json =>
      codings(o?.code).some((c) => c.system === FHIR.LOINC && str(c.code)! in SARS_COV_2_LOINC),
    );
    if (sars.length !== 1)
      problems.push({
        field: `${path}.result`,
        problems: [
          sars.length === 0
            ? 'result must refer to an Observation of the bundle with a SARS-CoV-2 LOINC code (e.g. 94500-6, 94558-4)'
            : 'result must refer to one SARS-CoV-2 Observation, not several',
        ],
      });
    const o = sars[0];
    const raw: RawLabResult = {
      labResultId: str(
        arr(r.identifier)
          .map(obj)
          .find((x) => str(x?.value))?.value,
      ),
    };
    if (o) {
      raw.testType = str(
        codings(o.code).find((c) => c.system === FHIR.LOINC && str(c.code)! in SARS_COV_2_LOINC)?.code,
      );
      const value = codings(o.valueCodeableConcept).find(
        (c) => c.system === FHIR.SNOMED && str(c.code)! in SNOMED_RESULT,
      );
      const interpretation = arr(o.interpretation)
        .flatMap((x) => codings(x))
        .find((c) => c.system === FHIR.INTERPRETATION && str(c.code)! in INTERPRETATION_RESULT);
      raw.result = value
        ? SNOMED_RESULT[str(value.code)!]
        : interpretation
          ? INTERPRETATION_RESULT[str(interpretation.code)!]
          : '';
      raw.sampleTakenAt = str(o.effectiveDateTime) ?? str(r.effectiveDateTime);
    }
    const patient = resolve(r.subject, 'Patient');
    const identifiers = [...arr(patient?.identifier), obj(r.subject)?.identifier]
      .map(obj)
      .filter((x): x is Json => !!x);
    const typed = (x: Json, codes: string[]) =>
      codings(x.type).some((c) => c.system === FHIR.IDENTIFIER_TYPE && codes.includes(str(c.code)!));
    raw.personId = str(identifiers.find((x) => x.system === FHIR.PERSON_ID)?.value);
    raw.nationalId = str(identifiers.find((x) => x.system === FHIR.NATIONAL_ID || typed(x, ['NI', 'NNVNM']))?.value);
    raw.phone = str(
      arr(patient?.telecom)
        .map(obj)
        .find((t) => t?.system === 'phone')?.value,
    );
    const name = obj(arr(patient?.name)[0]);
    raw.fullName =
      str(name?.text) ?? ([str(name?.family), ...arr(name?.given).map(str)].filter(Boolean).join(' ') || undefined);
    raw.dateOfBirth = str(patient?.birthDate);
    const paths: Record<keyof RawLabResult, string> = {
      labResultId: `${path}.identifier[0].value`,
      personId: `${path}.subject(Patient).identifier[system=${FHIR.PERSON_ID}]`,
      nationalId: `${path}.subject(Patient).identifier[type=NI]`,
      phone: `${path}.subject(Patient).telecom[system=phone]`,
      fullName: `${path}.subject(Patient).name`,
      dateOfBirth: `${path}.subject(Patient).birthDate`,
      testType: `${path}.result(Observation).code`,
      result: `${path}.result(Observation).valueCodeableConcept`,
      sampleTakenAt: `${path}.result(Observation).effectiveDateTime`,
      purpose: 'purpose',
    };
    const checked = validateLabResult(raw, ctx, (f) => paths[f]);
    if (!checked.ok)
      problems.push(...checked.problems.filter((p) => !(o === undefined && p.field.includes('(Observation)'))));
    if (problems.length) upload.rejected.push({ at: i, fields: problems });
    else if (checked.ok) upload.results.push({ at: i, value: checked.value });
  });
  upload.rejected.sort((a, b) => a.at - b.at);
  return { ok: true, upload: rejectRepeats(upload, 'identifier') };
}
