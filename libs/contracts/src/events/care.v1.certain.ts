import { ASCII_ID, certainCalendarDate, certainTimestamp } from './checkins.v1';
import { CERTAIN_UUID } from './contacts.v1';
import { FollowUpMissed, HealthCheckRecorded, SYMPTOMS, Symptom, WARNING_SIGNS, WarningSign } from './care.v1';

// A fast path for the care pass, which marks a day's missed follow-ups at once (about 10,000 a day
// for 100,000 people under follow-up; class-validator cost ~1 ms each on a loaded machine): accepts
// only what is certainly valid under the decorators above (stricter: ASCII ids and area codes,
// lowercase RFC 4122 UUIDs, dates from 1970); anything else goes through class-validator, which
// gives the verdict and the problems. care.v1.spec.ts compares both.

const CERTAIN_AREA = /^[\x20-\x7E]{1,32}$/;

/** The fields HealthCheckRecorded and FollowUpMissed share: the follow-up itself. */
type FollowUpFields = Pick<
  FollowUpMissed,
  'followUpId' | 'personId' | 'areaCode' | 'subject' | 'orderId' | 'dueOn' | 'slot'
>;

/** The follow-up's own fields when they are certainly valid, in the contracts' order, else null. */
function certainFollowUp(o: Record<string, unknown>): FollowUpFields | null {
  const { followUpId, personId, areaCode, subject, orderId, dueOn, slot } = o;
  if (typeof followUpId !== 'string' || !CERTAIN_UUID.test(followUpId)) return null;
  if (typeof orderId !== 'string' || !CERTAIN_UUID.test(orderId)) return null;
  if (typeof personId !== 'string' || !ASCII_ID.test(personId)) return null;
  if (typeof areaCode !== 'string' || !CERTAIN_AREA.test(areaCode)) return null;
  if (subject !== 'ISOLATION' && subject !== 'QUARANTINE' && subject !== 'WATCH') return null;
  if (!certainCalendarDate(dueOn)) return null;
  if (slot !== 1 && slot !== 2 && slot !== 3 && slot !== 4) return null;
  return { followUpId, personId, areaCode, subject, orderId, dueOn, slot };
}

/** The payload when it is certainly valid (only the contract's fields kept), else null. */
export function certainFollowUpMissed(o: Record<string, unknown>): FollowUpMissed | null {
  const followUp = certainFollowUp(o);
  if (!followUp) return null;
  const { lastStatus, lastCompletedOn, lostToFollowUp, missedAt } = o;
  if (lastStatus !== null && lastStatus !== 'DONE' && lastStatus !== 'UNREACHABLE') return null;
  if (lastCompletedOn !== null && !certainCalendarDate(lastCompletedOn)) return null;
  if (typeof lostToFollowUp !== 'boolean') return null;
  if (Number.isNaN(certainTimestamp(missedAt))) return null;
  return Object.assign(new FollowUpMissed(), followUp, {
    lastStatus,
    lastCompletedOn,
    lostToFollowUp,
    missedAt: missedAt as string,
  });
}

// A fast path for recording follow-ups through the API (issue 16 asks for >= 500 a second; the
// class-validator check of one HealthCheckRecorded cost about as much as the rest of the event):
// the same rules as for FollowUpMissed, plus numbers in range and lists of distinct known codes.

function certainSet<T extends string>(v: unknown, known: readonly T[]): T[] | null {
  if (!Array.isArray(v) || v.length > known.length) return null;
  for (let i = 0; i < v.length; i++) {
    if (!known.includes(v[i] as T) || v.indexOf(v[i]) !== i) return null;
  }
  return v as T[];
}

/** The payload when it is certainly valid (only the contract's fields kept), else null. */
export function certainHealthCheckRecorded(o: Record<string, unknown>): HealthCheckRecorded | null {
  const followUp = certainFollowUp(o);
  if (!followUp) return null;
  const { status, source, temperatureC, spo2, recordedAt } = o;
  if (status !== 'DONE' && status !== 'UNREACHABLE') return null;
  if (source !== 'STAFF' && source !== 'SELF_REPORT') return null;
  if (temperatureC !== null && !(typeof temperatureC === 'number' && temperatureC >= 30 && temperatureC <= 45))
    return null;
  if (spo2 !== null && !(Number.isInteger(spo2) && (spo2 as number) >= 50 && (spo2 as number) <= 100)) return null;
  const symptoms = certainSet<Symptom>(o.symptoms, SYMPTOMS);
  const warningSigns = certainSet<WarningSign>(o.warningSigns, WARNING_SIGNS);
  if (!symptoms || !warningSigns) return null;
  if (Number.isNaN(certainTimestamp(recordedAt))) return null;
  return Object.assign(new HealthCheckRecorded(), followUp, {
    status,
    source,
    temperatureC,
    spo2: spo2 as number | null,
    symptoms,
    warningSigns,
    recordedAt: recordedAt as string,
  });
}
