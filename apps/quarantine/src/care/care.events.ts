import {
  createEvent,
  EventEnvelope,
  FollowUpSource,
  FollowUpStatus,
  IsolationEndReason,
  IsolationTransferReason,
  Symptom,
  WarningSign,
} from '@ct/contracts';
import { EventCause } from '../quarantines/quarantine.events';
import { FollowUp, MissedRow } from './infrastructure/follow-up.store';
import { Isolation } from './infrastructure/isolation.store';

/** The one mapper from the care pathway's changes to care.v1 (and its release tests to testing.v1). */

const SOURCE = '/quarantine';

export function opts(cause: EventCause, at: string) {
  return { source: SOURCE, correlationId: cause.correlationId, causationId: cause.causationId, time: at };
}

export function isolationOrdered(i: Isolation, at: string, cause: EventCause): EventEnvelope {
  return createEvent(
    'IsolationOrdered',
    {
      isolationId: i.id,
      personId: i.personId,
      caseId: i.caseId,
      areaCode: i.areaCode,
      kind: i.kind,
      facilityId: i.facilityId,
      needsBed: i.needsBed,
      firstDay: i.firstDay,
      plannedEndOn: i.plannedEndOn,
      testDays: i.testDays,
      fromQuarantineId: i.fromQuarantineId,
      orderedAt: at,
    },
    opts(cause, at),
  );
}

export function isolationTransferred(
  before: Pick<Isolation, 'kind' | 'facilityId'>,
  after: Isolation,
  reason: IsolationTransferReason,
  at: string,
  cause: EventCause,
): EventEnvelope {
  return createEvent(
    'IsolationTransferred',
    {
      isolationId: after.id,
      personId: after.personId,
      caseId: after.caseId,
      areaCode: after.areaCode,
      previousKind: before.kind,
      previousFacilityId: before.facilityId,
      kind: after.kind,
      facilityId: after.facilityId,
      needsBed: after.needsBed,
      reason,
      transferredAt: at,
    },
    opts(cause, at),
  );
}

export function isolationEnded(
  i: Isolation,
  reason: IsolationEndReason,
  releaseTestId: string | null,
  at: string,
  cause: EventCause,
): EventEnvelope {
  return createEvent(
    'IsolationEnded',
    {
      isolationId: i.id,
      personId: i.personId,
      caseId: i.caseId,
      areaCode: i.areaCode,
      kind: i.kind,
      facilityId: i.facilityId,
      reason,
      releaseTestId,
      endedAt: at,
    },
    opts(cause, at),
  );
}

export function isolationTestScheduled(
  t: { id: string; personId: string; dueOn: string },
  at: string,
  cause: EventCause,
): EventEnvelope {
  // A release test belongs to no quarantine: quarantineId and the quarantine day are null.
  return createEvent(
    'TestScheduled',
    { testId: t.id, personId: t.personId, quarantineId: null, dueOn: t.dueOn, day: null, scheduledAt: at },
    opts(cause, at),
  );
}

/** The fields every event about one follow-up starts with (HealthCheckRecorded, FollowUpMissed). */
export function followUpOf(f: FollowUp) {
  return {
    followUpId: f.id,
    personId: f.personId,
    areaCode: f.areaCode ?? 'unknown',
    subject: f.subject,
    orderId: f.orderId,
    dueOn: f.dueOn,
    slot: f.slot,
  };
}

/** One follow-up recorded (never with its note). */
export function healthCheckRecorded(
  f: FollowUp,
  check: {
    status: FollowUpStatus;
    source: FollowUpSource;
    temperatureC: number | null;
    spo2: number | null;
    symptoms: Symptom[];
    warningSigns: WarningSign[];
  },
  at: string,
): EventEnvelope {
  return createEvent(
    'HealthCheckRecorded',
    {
      ...followUpOf(f),
      status: check.status,
      source: check.source,
      temperatureC: check.temperatureC,
      spo2: check.spo2,
      symptoms: check.symptoms,
      warningSigns: check.warningSigns,
      recordedAt: at,
    },
    opts({}, at),
  );
}

/** A follow-up's day passed without a completed check (`lost`: lost to follow-up by now). */
export function followUpMissed(f: MissedRow, lost: boolean, at: string): EventEnvelope {
  return createEvent(
    'FollowUpMissed',
    {
      ...followUpOf(f),
      lastStatus: f.status === 'UNREACHABLE' ? 'UNREACHABLE' : null,
      lastCompletedOn: f.lastCompletedOn,
      lostToFollowUp: lost,
      missedAt: at,
    },
    opts({}, at),
  );
}

/** A treatment facility's beds after a change (key facilityId; no personal data). */
export function facilityBedsChanged(
  f: { id: string; areaCode: string; capacity: number; occupied: number },
  at: string,
  cause: EventCause,
): EventEnvelope {
  return createEvent(
    'FacilityBedsChanged',
    {
      facilityId: f.id,
      areaCode: f.areaCode,
      capacity: f.capacity,
      occupied: f.occupied,
      free: Math.max(0, f.capacity - f.occupied),
      changedAt: at,
    },
    opts(cause, at),
  );
}
