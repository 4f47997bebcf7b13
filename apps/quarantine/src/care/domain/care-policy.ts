import type { AgeBand, IsolationKind, Symptom, WarningSign } from '@ct/contracts';

/** The care pathway's rules in force (issue 16); every field comes from configuration (CARE_*). */
export interface CarePolicy {
  /** Calendar days are counted in this UTC offset (minutes), as for quarantine. */
  utcOffsetMinutes: number;
  /** Release no earlier than this many days after the positive sample (day 0) ... */
  isolationMinDays: number;
  /** ... and after a negative test; release tests on these days (from day 0). */
  releaseTestDays: number[];
  /** A positive or inconclusive release test is repeated this many days later. */
  retestAfterDays: number;
  /** Home treatment: this many doses ... */
  homeFullDoses: number;
  /** ... or one dose at least this many days ago ... */
  homeOneDoseDays: number;
  /** ... or an age band of these, without a listed underlying disease and not pregnant. */
  homeAgeBands: AgeBand[];
  /** Follow-ups a day for everyone followed, and for cases isolated at home. */
  checksPerDay: number;
  homeCaseChecksPerDay: number;
  /** Flagged lost to follow-up after this many days without a completed check. */
  lostAfterDays: number;
  /** Warning signs: SpO2 below this ... */
  spo2Below: number;
  /** ... a temperature at or above this on `feverDays` consecutive days. */
  feverC: number;
  feverDays: number;
  /** A contact (quarantine, watch) with symptoms or a temperature at or above this is tested today. */
  contactFeverC: number;
}

/** The non-identifying facts about a person that decide home treatment; null = unknown. */
export interface CareFacts {
  vaccineDoses: number;
  lastDoseAt: Date | null;
  ageBand: AgeBand | null;
  underlyingCondition: boolean | null;
  pregnant: boolean | null;
}

const DAY_MS = 86_400_000;

/**
 * The medical half of the home-treatment rule (domain.md "F0 treatment at home"): fully vaccinated,
 * or one dose at least homeOneDoseDays ago, or an allowed age band with no listed underlying
 * disease and not pregnant (both known to be false). Unknown facts never qualify.
 */
export function medicallyFitForHome(facts: CareFacts | null, now: Date, p: CarePolicy): boolean {
  if (!facts) return false;
  if (facts.vaccineDoses >= p.homeFullDoses) return true;
  if (
    facts.vaccineDoses >= 1 &&
    facts.lastDoseAt &&
    now.getTime() - facts.lastDoseAt.getTime() >= p.homeOneDoseDays * DAY_MS
  )
    return true;
  return (
    facts.ageBand !== null &&
    p.homeAgeBands.includes(facts.ageBand) &&
    facts.underlyingCondition === false &&
    facts.pregnant === false
  );
}

/** HOME when the facts allow it and the home was recorded as eligible; else a treatment facility. */
export function placementFor(
  facts: CareFacts | null,
  homeEligible: boolean | null,
  now: Date,
  p: CarePolicy,
): IsolationKind {
  return homeEligible === true && medicallyFitForHome(facts, now, p) ? 'HOME' : 'TREATMENT_FACILITY';
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface IsolationSchedule {
  plannedEndOn: string;
  testDays: number[];
  /** Release tests to schedule: a day already past is due today instead (once). */
  tests: { dueOn: string; day: number }[];
}

export function isolationSchedule(firstDay: string, today: string, p: CarePolicy): IsolationSchedule {
  const plannedEndOn = addDays(firstDay, p.isolationMinDays);
  const byDay = new Map<string, number>();
  for (const d of p.releaseTestDays) {
    const dueOn = addDays(firstDay, d) < today ? today : addDays(firstDay, d);
    if (!byDay.has(dueOn)) byDay.set(dueOn, daysBetween(firstDay, dueOn));
  }
  const tests = [...byDay].map(([dueOn, day]) => ({ dueOn, day })).sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  return { plannedEndOn, testDays: [...p.releaseTestDays], tests };
}

/** Facility beds: own area first (by id), then any facility with a free bed; null when all are full. */
export function chooseBed(
  facilities: { id: string; areaCode: string; capacity: number }[],
  occupied: ReadonlyMap<string, number>,
  areaCode: string,
): string | null {
  const free = (f: { id: string; capacity: number }) => f.capacity - (occupied.get(f.id) ?? 0) > 0;
  const sorted = [...facilities].sort((a, b) => a.id.localeCompare(b.id));
  return sorted.find((f) => f.areaCode === areaCode && free(f))?.id ?? sorted.find((f) => free(f))?.id ?? null;
}

export interface CheckReading {
  temperatureC: number | null;
  spo2: number | null;
  symptoms: Symptom[];
}

/**
 * The warning signs of a check: SpO2 below the threshold, breathing difficulty, chest pain, and a
 * high temperature today when the previous feverDays-1 days each had one too (`highFeverDays`: the
 * earlier days, YYYY-MM-DD, with a completed check at or above feverC).
 */
export function warningSignsOf(
  check: CheckReading,
  dueOn: string,
  highFeverDays: ReadonlySet<string>,
  p: CarePolicy,
): WarningSign[] {
  const signs: WarningSign[] = [];
  if (check.spo2 !== null && check.spo2 < p.spo2Below) signs.push('LOW_SPO2');
  if (check.temperatureC !== null && check.temperatureC >= p.feverC) {
    let run = 1;
    while (run < p.feverDays && highFeverDays.has(addDays(dueOn, -run))) run++;
    if (run >= p.feverDays) signs.push('PERSISTENT_HIGH_FEVER');
  }
  if (check.symptoms.includes('BREATHING_DIFFICULTY')) signs.push('BREATHING_DIFFICULTY');
  if (check.symptoms.includes('CHEST_PAIN')) signs.push('CHEST_PAIN');
  return signs;
}

/** A contact (F1 in quarantine, F2 under watch) who reports symptoms, a fever or a warning sign. */
export function contactIsSymptomatic(check: CheckReading, signs: WarningSign[], p: CarePolicy): boolean {
  return (
    signs.length > 0 ||
    check.symptoms.length > 0 ||
    (check.temperatureC !== null && check.temperatureC >= p.contactFeverC)
  );
}

/** Comma-separated AGE_BANDS, checked at boot. */
export function parseAgeBands(list: string, known: readonly string[]): AgeBand[] {
  const bands = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = bands.filter((b) => !known.includes(b));
  if (bad.length) throw new Error(`CARE_HOME_AGE_BANDS: unknown band(s) ${bad.join(', ')}`);
  return bands as AgeBand[];
}
