/** What the cases service has learnt about a person from the other services' events. */
export interface KnownContact {
  contactId: string;
  degree: 1 | 2;
  sourcePersonId: string;
  sourceCaseId: string;
  kind: string;
  lastExposureAt: string;
  identifiedAt: string;
}

export interface KnownQuarantine {
  quarantineId: string;
  kind: string;
  degree: 1 | 2;
  dayZero: string;
  startsAt: string;
  endsAt: string;
  orderedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export interface KnownTest {
  testId: string;
  quarantineId: string | null;
  dueOn: string | null;
  day: number | null;
  scheduledAt: string | null;
  result: string | null;
  testType: string | null;
  purpose: string | null;
  sampleTakenAt: string | null;
  recordedAt: string | null;
}

export interface OpenCaseView {
  caseId: string;
  confirmedAt: string;
  areaCode: string;
}

export type PersonClass = 'F0' | 'F1' | 'F2' | 'none';

export interface PersonStatus {
  personId: string;
  class: PersonClass;
  openCase: OpenCaseView | null;
  currentQuarantine: KnownQuarantine | null;
  /** The contact that makes the person F1/F2 (the closest, most recent), when not F0. */
  contact: KnownContact | null;
  scheduledTests: KnownTest[];
  pastTests: KnownTest[];
}

const ms = (s: string) => new Date(s).getTime();

/**
 * The person's class: F0 while a case is open; otherwise the degree of the quarantine in force;
 * otherwise the closest contact identified since their last quarantine ended (a contact not yet
 * ordered into quarantine is already F1/F2); otherwise none.
 */
export function personStatus(
  personId: string,
  facts: {
    openCase: OpenCaseView | null;
    contacts: KnownContact[];
    quarantines: KnownQuarantine[];
    tests: KnownTest[];
  },
): PersonStatus {
  const current =
    [...facts.quarantines].filter((q) => q.endedAt === null).sort((a, b) => ms(b.orderedAt) - ms(a.orderedAt))[0] ??
    null;
  const lastEnded = Math.max(
    -Infinity,
    ...facts.quarantines.filter((q) => q.endedAt !== null).map((q) => ms(q.endedAt!)),
  );
  const live = facts.contacts
    .filter((c) => ms(c.identifiedAt) > lastEnded)
    .sort((a, b) => a.degree - b.degree || ms(b.identifiedAt) - ms(a.identifiedAt));
  const contact = live[0] ?? null;

  let cls: PersonClass = 'none';
  if (facts.openCase) cls = 'F0';
  else if (current) cls = current.degree === 1 ? 'F1' : 'F2';
  else if (contact) cls = contact.degree === 1 ? 'F1' : 'F2';

  const ended = new Set(facts.quarantines.filter((q) => q.endedAt !== null).map((q) => q.quarantineId));
  const scheduledTests = facts.tests
    .filter((t) => t.result === null && !(t.quarantineId && ended.has(t.quarantineId)))
    .sort((a, b) => (a.dueOn ?? '').localeCompare(b.dueOn ?? ''));
  const pastTests = facts.tests
    .filter((t) => t.result !== null)
    .sort(
      (a, b) =>
        ms(b.recordedAt ?? b.sampleTakenAt ?? '1970-01-01T00:00:00Z') -
        ms(a.recordedAt ?? a.sampleTakenAt ?? '1970-01-01T00:00:00Z'),
    );

  return {
    personId,
    class: cls,
    openCase: facts.openCase,
    currentQuarantine: current,
    contact: cls === 'F1' || cls === 'F2' ? contact : null,
    scheduledTests,
    pastTests,
  };
}
