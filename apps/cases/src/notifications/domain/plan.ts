import type {
  ExposureSiteVisitorIdentified,
  IsolationEnded,
  IsolationOrdered,
  IsolationTransferred,
  QuarantineEnded,
  QuarantineExtended,
  QuarantineOrdered,
  QuarantineTransferred,
  TestResultRecorded,
  TestScheduled,
} from '@ct/contracts';
import { addDays, afterQuietHours, atLocal, localDate, QuietHours } from './local-time';
import { MessageParams, TemplateName } from './templates';

export const CHANNELS = ['SMS', 'EMAIL', 'APP'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A message an event asks for (before channels and recipients are known). */
export interface PlannedMessage {
  template: TemplateName;
  params: MessageParams;
  /** Urgent messages go out at once, even at night; others wait out the quiet hours (SMS). */
  urgent: boolean;
  /** When it should go (a reminder: the evening before its test). */
  dueAt: Date;
  /** Set for messages an end of the quarantine makes pointless (reminders). */
  quarantineId: string | null;
  /** Only these channels (an exposure alert: the app, the one thing known of the person); default every enabled one. */
  channels?: readonly Channel[];
}

const testDates = (dayZero: string, days: number[]) =>
  [...new Set(days)].sort((a, b) => a - b).map((d) => addDays(dayZero, d));

export function quarantineOrdered(e: QuarantineOrdered, now: Date): PlannedMessage {
  return {
    template: 'QUARANTINE_ORDERED',
    params: {
      kind: e.kind,
      facilityId: e.facilityId,
      firstDay: localDate(e.startsAt),
      plannedEnd: localDate(e.endsAt),
      testDates: testDates(e.dayZero, e.testDays),
    },
    urgent: true,
    dueAt: now,
    quarantineId: null,
  };
}

export function quarantineExtended(e: QuarantineExtended, now: Date): PlannedMessage {
  return {
    template: 'QUARANTINE_EXTENDED',
    params: { plannedEnd: localDate(e.endsAt), testDates: testDates(e.dayZero, e.testDays) },
    urgent: false,
    dueAt: now,
    quarantineId: null,
  };
}

export function quarantineTransferred(e: QuarantineTransferred, now: Date): PlannedMessage {
  return {
    template: 'QUARANTINE_TRANSFERRED',
    params: {
      kind: e.kind,
      facilityId: e.facilityId,
      plannedEnd: localDate(e.endsAt),
      testDates: testDates(e.dayZero, e.testDays),
    },
    urgent: true,
    dueAt: now,
    quarantineId: null,
  };
}

/** The release (or cancellation); a conversion to a case is told by the positive result instead. */
export function quarantineEnded(e: QuarantineEnded, now: Date): PlannedMessage | null {
  const template: TemplateName | null =
    e.reason === 'COMPLETED' || e.reason === 'SOURCE_CLEARED'
      ? 'QUARANTINE_RELEASED'
      : e.reason === 'CANCELLED'
        ? 'QUARANTINE_CANCELLED'
        : null;
  if (!template) return null;
  return { template, params: { endDate: localDate(e.endedAt) }, urgent: false, dueAt: now, quarantineId: null };
}

/**
 * The reminder of a scheduled test, due at `reminderMinute` local time the evening before; sent at
 * once when that has passed but the test day has not; none for a test day already over.
 */
export function testScheduled(e: TestScheduled, now: Date, reminderMinute: number): PlannedMessage | null {
  if (e.dueOn < localDate(now)) return null;
  const evening = atLocal(addDays(e.dueOn, -1), reminderMinute);
  return {
    template: 'TEST_REMINDER',
    params: { testDate: e.dueOn, day: e.day },
    urgent: false,
    dueAt: evening > now ? evening : now,
    quarantineId: e.quarantineId,
  };
}

export function testResult(e: TestResultRecorded, now: Date): PlannedMessage {
  const template: TemplateName =
    e.result === 'POSITIVE'
      ? 'TEST_RESULT_POSITIVE'
      : e.result === 'NEGATIVE'
        ? 'TEST_RESULT_NEGATIVE'
        : 'TEST_RESULT_INCONCLUSIVE';
  return {
    template,
    params: { sampleDate: localDate(e.sampleTakenAt) },
    urgent: e.result === 'POSITIVE',
    dueAt: now,
    quarantineId: null,
  };
}

/** How long a visitor of an exposure site watches their health, counted from the visit. */
export const MONITOR_DAYS = 14;

/** The exposure alert of a site visitor who is no contact: by the check-in app only, at once. */
export function exposureAlert(e: ExposureSiteVisitorIdentified, now: Date): PlannedMessage {
  return {
    template: 'EXPOSURE_ALERT',
    params: {
      venueId: e.venueId,
      visitDate: localDate(e.startedAt),
      monitorUntil: addDays(localDate(e.endedAt), MONITOR_DAYS),
    },
    urgent: false,
    dueAt: now,
    quarantineId: null,
    channels: ['APP'],
  };
}

/** A case's isolation order (urgent): place, first day, planned end, test days (counted from the first day). */
export function isolationOrdered(e: IsolationOrdered, now: Date): PlannedMessage {
  return {
    template: 'ISOLATION_ORDERED',
    params: {
      kind: e.kind,
      facilityId: e.facilityId,
      firstDay: e.firstDay,
      plannedEnd: e.plannedEndOn,
      testDates: testDates(e.firstDay, e.testDays),
    },
    urgent: true,
    dueAt: now,
    quarantineId: null,
  };
}

export function isolationTransferred(e: IsolationTransferred, now: Date): PlannedMessage {
  return {
    template: 'ISOLATION_TRANSFERRED',
    params: { kind: e.kind, facilityId: e.facilityId },
    urgent: true,
    dueAt: now,
    quarantineId: null,
  };
}

/** The release (or cancellation) of an isolation; none for a death. */
export function isolationEnded(e: IsolationEnded, now: Date): PlannedMessage | null {
  const template: TemplateName | null =
    e.reason === 'RELEASED' || e.reason === 'RECOVERED'
      ? 'ISOLATION_RELEASED'
      : e.reason === 'CANCELLED'
        ? 'ISOLATION_CANCELLED'
        : null;
  if (!template) return null;
  return { template, params: { endDate: localDate(e.endedAt) }, urgent: false, dueAt: now, quarantineId: null };
}

/** When a message goes by a channel: non-urgent SMS wait out the quiet hours. */
export function dueOn(channel: Channel, m: PlannedMessage, quiet: QuietHours | null): Date {
  return channel === 'SMS' && !m.urgent ? afterQuietHours(m.dueAt, quiet) : m.dueAt;
}

/** Reminders still pending after an extension: only those of test dates in the new schedule stay. */
export function remindersToKeep(e: QuarantineExtended | QuarantineTransferred): string[] {
  return testDates(e.dayZero, e.testDays);
}
