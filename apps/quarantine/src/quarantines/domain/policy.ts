/** The quarantine rules in force; every field comes from configuration. */
export interface QuarantinePolicy {
  /** Calendar days are counted in this UTC offset (minutes). */
  utcOffsetMinutes: number;
  unvaccinated: Regimen;
  protected: Regimen;
  fullDoses: number;
  doseMinDays: number;
  doseMaxMonths: number;
  recoveredMonths: number;
  f2WatchDays: number;
  retestAfterDays: number;
  /** Rules by level (issue 18): false = centralized quarantine only; absent = home where it qualifies. */
  homeQuarantine?: boolean;
  /** Rules by level: false = F2 are not watched; absent = watched. */
  f2Watch?: boolean;
}

export interface Regimen {
  days: number;
  testDays: number[];
}

/** The non-identifying facts about a person that decide their regimen; null = unknown. */
export interface PersonProfile {
  areaCode: string;
  vaccineDoses: number;
  lastDoseAt: Date | null;
  recoveredAt: Date | null;
}

export interface Facility {
  id: string;
  name: string;
  areaCode: string;
  capacity: number;
}

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of an instant in the policy's offset. */
export function localDay(at: Date, offsetMinutes: number): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The instant a local calendar day starts. */
export function startOfDay(day: string, offsetMinutes: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - offsetMinutes * 60_000);
}

function addMonths(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/**
 * Fully vaccinated (enough doses, the last between doseMinDays and doseMaxMonths ago) or recovered
 * within recoveredMonths. Unknown (no profile) is not protected: the stricter rule applies.
 */
export function isProtected(profile: PersonProfile | null, at: Date, p: QuarantinePolicy): boolean {
  if (!profile) return false;
  if (profile.recoveredAt && profile.recoveredAt <= at && addMonths(profile.recoveredAt, p.recoveredMonths) >= at)
    return true;
  if (profile.vaccineDoses < p.fullDoses || !profile.lastDoseAt) return false;
  const from = new Date(profile.lastDoseAt.getTime() + p.doseMinDays * DAY_MS);
  return from <= at && addMonths(profile.lastDoseAt, p.doseMaxMonths) >= at;
}

export function regimenFor(profile: PersonProfile | null, at: Date, p: QuarantinePolicy): Regimen {
  return isProtected(profile, at, p) ? p.protected : p.unvaccinated;
}

export interface Schedule {
  dayZero: string;
  endsAt: Date;
  testDays: number[];
  tests: PlannedTest[];
}

export interface PlannedTest {
  day: number;
  dueOn: string;
}

/**
 * Day 0 is the calendar day of the last exposure; the period ends when day `days` begins, so the
 * exit test (day 14 of 14) is taken on the day the person may leave once it is negative. Test days
 * already in the past when the order is made are not scheduled (`today` and later only).
 */
export function scheduleFor(lastExposureAt: Date, regimen: Regimen, today: string, p: QuarantinePolicy): Schedule {
  const dayZero = localDay(lastExposureAt, p.utcOffsetMinutes);
  return scheduleFrom(dayZero, regimen, today, p);
}

export function scheduleFrom(dayZero: string, regimen: Regimen, today: string, p: QuarantinePolicy): Schedule {
  const tests = regimen.testDays.map((day) => ({ day, dueOn: addDays(dayZero, day) })).filter((t) => t.dueOn >= today);
  return {
    dayZero,
    endsAt: startOfDay(addDays(dayZero, regimen.days), p.utcOffsetMinutes),
    testDays: [...regimen.testDays],
    tests,
  };
}

/**
 * A facility with a free place: the person's own area first, then any; null when every one is
 * full. `occupied` counts active orders per facility.
 */
export function chooseFacility(
  facilities: Facility[],
  occupied: ReadonlyMap<string, number>,
  areaCode: string | null,
): Facility | null {
  const free = facilities.filter((f) => (occupied.get(f.id) ?? 0) < f.capacity);
  return free.find((f) => f.areaCode === areaCode) ?? free[0] ?? null;
}

export function parseDayList(list: string): number[] {
  return [...new Set(list.split(',').map((d) => Number(d.trim())))].sort((a, b) => a - b);
}
