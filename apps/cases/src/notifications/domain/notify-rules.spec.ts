import { afterQuietHours, formatDate, isQuiet, localDate, parseQuietHours } from './local-time';
import {
  dueOn,
  exposureAlert,
  isolationEnded,
  isolationOrdered,
  quarantineEnded,
  quarantineOrdered,
  testResult,
  testScheduled,
} from './plan';
import { nextAttemptAt } from './retry';
import { smsSize, withoutDiacritics } from './sms';

const quiet = parseQuietHours('21:00-07:00');
const ORDER = {
  quarantineId: '6f1c1a52-3f43-4c8e-9d1e-2b8f0d6b1a11',
  personId: 'p1',
  kind: 'HOME' as const,
  facilityId: null,
  dayZero: '2021-12-04',
  startsAt: '2021-12-04T17:30:00Z',
  endsAt: '2021-12-18T16:59:59Z',
  testDays: [14, 1, 7, 7],
  sourceCaseId: '6f1c1a52-3f43-4c8e-9d1e-2b8f0d6b1a12',
  sourcePersonId: 'p0',
  degree: 1 as const,
  orderedAt: '2021-12-04T17:30:00Z',
  needsFacility: false,
};

describe('local time (UTC+7)', () => {
  it('dates instants in local time and writes them the Vietnamese or English way', () => {
    expect(localDate('2021-12-04T17:30:00Z')).toBe('2021-12-05');
    expect(localDate('2021-12-04T16:59:59Z')).toBe('2021-12-04');
    expect(formatDate('2021-12-05', 'vi')).toBe('ngày 05/12/2021');
    expect(formatDate('2021-12-05', 'en')).toBe('5 Dec 2021');
  });

  it('quiet hours 21:00–07:00 hold a message until 07:00 local', () => {
    expect(isQuiet(new Date('2021-12-05T14:00:00Z'), quiet)).toBe(true); // 21:00
    expect(isQuiet(new Date('2021-12-05T13:59:00Z'), quiet)).toBe(false); // 20:59
    expect(afterQuietHours(new Date('2021-12-05T15:00:00Z'), quiet).toISOString()).toBe('2021-12-06T00:00:00.000Z');
    expect(afterQuietHours(new Date('2021-12-05T20:00:00Z'), quiet).toISOString()).toBe('2021-12-06T00:00:00.000Z'); // 03:00
    expect(afterQuietHours(new Date('2021-12-06T05:00:00Z'), quiet).toISOString()).toBe('2021-12-06T05:00:00.000Z');
    expect(afterQuietHours(new Date('2021-12-05T15:00:00Z'), parseQuietHours(''))).toEqual(
      new Date('2021-12-05T15:00:00Z'),
    );
  });
});

describe('what an event asks to send', () => {
  const night = new Date('2021-12-04T17:30:00Z'); // 00:30 local

  it('a quarantine order: kind, first day and planned end in local dates, distinct test dates in order; urgent', () => {
    const m = quarantineOrdered(ORDER, night);
    expect(m.params).toEqual({
      kind: 'HOME',
      facilityId: null,
      firstDay: '2021-12-05',
      plannedEnd: '2021-12-18',
      testDates: ['2021-12-05', '2021-12-11', '2021-12-18'],
    });
    expect(dueOn('SMS', m, quiet)).toEqual(night);
  });

  it('non-urgent SMS wait for the morning; e-mail and push do not', () => {
    const m = quarantineEnded(
      { quarantineId: ORDER.quarantineId, personId: 'p1', endedAt: night.toISOString(), reason: 'COMPLETED' },
      night,
    )!;
    expect(m.template).toBe('QUARANTINE_RELEASED');
    expect(dueOn('SMS', m, quiet).toISOString()).toBe('2021-12-05T00:00:00.000Z');
    expect(dueOn('EMAIL', m, quiet)).toEqual(night);
    expect(
      quarantineEnded(
        { quarantineId: ORDER.quarantineId, personId: 'p1', endedAt: night.toISOString(), reason: 'CONVERTED_TO_CASE' },
        night,
      ),
    ).toBeNull();
  });

  it('a test reminder is due at 19:00 local the evening before; at once if that is past; none once the day is over', () => {
    const t = {
      testId: ORDER.sourceCaseId,
      personId: 'p1',
      quarantineId: ORDER.quarantineId,
      dueOn: '2021-12-11',
      day: 7,
      scheduledAt: night.toISOString(),
    };
    expect(testScheduled(t, night, 19 * 60)!.dueAt.toISOString()).toBe('2021-12-10T12:00:00.000Z');
    const late = new Date('2021-12-10T15:00:00Z');
    expect(testScheduled(t, late, 19 * 60)!.dueAt).toEqual(late);
    expect(testScheduled(t, new Date('2021-12-11T17:00:00Z'), 19 * 60)).toBeNull();
  });

  it('a positive result is urgent, a negative one is not', () => {
    const r = {
      testId: ORDER.sourceCaseId,
      personId: 'p1',
      quarantineId: null,
      testType: 'PCR' as const,
      purpose: 'QUARANTINE' as const,
      sampleTakenAt: '2021-12-04T18:00:00Z',
      recordedAt: '2021-12-05T03:00:00Z',
    };
    expect(testResult({ ...r, result: 'POSITIVE' }, night)).toMatchObject({
      template: 'TEST_RESULT_POSITIVE',
      urgent: true,
      params: { sampleDate: '2021-12-05' },
    });
    expect(testResult({ ...r, result: 'NEGATIVE' }, night)).toMatchObject({
      template: 'TEST_RESULT_NEGATIVE',
      urgent: false,
    });
  });

  it('an isolation order: place, first day, planned end and test days from the first day, urgent; the release is not', () => {
    const o = {
      isolationId: ORDER.quarantineId,
      personId: 'p0',
      caseId: ORDER.sourceCaseId,
      areaCode: '49',
      kind: 'TREATMENT_FACILITY' as const,
      facilityId: 'bv-da-chien-hoi-an',
      needsBed: false,
      firstDay: '2021-12-04',
      plannedEndOn: '2021-12-14',
      testDays: [10, 7, 7],
      fromQuarantineId: null,
      orderedAt: '2021-12-05T03:00:00Z',
    };
    expect(isolationOrdered(o, night)).toMatchObject({
      template: 'ISOLATION_ORDERED',
      urgent: true,
      params: {
        kind: 'TREATMENT_FACILITY',
        facilityId: 'bv-da-chien-hoi-an',
        firstDay: '2021-12-04',
        plannedEnd: '2021-12-14',
        testDates: ['2021-12-11', '2021-12-14'],
      },
    });
    const end = { ...o, reason: 'RELEASED' as const, releaseTestId: null, endedAt: '2021-12-14T17:30:00Z' };
    expect(isolationEnded(end, night)).toMatchObject({
      template: 'ISOLATION_RELEASED',
      urgent: false,
      params: { endDate: '2021-12-15' },
    });
    expect(isolationEnded({ ...end, reason: 'DECEASED' }, night)).toBeNull();
  });

  it('an exposure alert goes by the app only, with the local day of the visit and 14 days to watch from its end', () => {
    const m = exposureAlert(
      {
        alertId: ORDER.quarantineId,
        personId: 'visitor',
        sourcePersonId: 'p0',
        sourceCaseId: ORDER.sourceCaseId,
        venueId: 'v-market-12',
        startedAt: '2021-12-04T16:55:00Z', // 23:55 local on the 4th
        endedAt: '2021-12-04T17:05:00Z', // 00:05 local on the 5th
        identifiedAt: '2021-12-05T03:00:00Z',
      },
      night,
    );
    expect(m).toMatchObject({
      template: 'EXPOSURE_ALERT',
      channels: ['APP'],
      params: { venueId: 'v-market-12', visitDate: '2021-12-04', monitorUntil: '2021-12-19' },
      dueAt: night,
    });
  });
});

describe('retries', () => {
  const p = { baseMs: 1000, maxMs: 8000, giveUpAfterMs: 24 * 3_600_000 };
  const first = new Date('2021-12-05T00:00:00Z');
  const at = (ms: number) => new Date(first.getTime() + ms);

  it('back off exponentially up to the cap, stop at the deadline, never retry a permanent failure', () => {
    expect(nextAttemptAt({ permanent: false }, 1, first, first, p)).toEqual(at(1000));
    expect(nextAttemptAt({ permanent: false }, 3, first, at(10), p)).toEqual(at(4010));
    expect(nextAttemptAt({ permanent: false }, 30, first, at(20), p)).toEqual(at(8020));
    expect(nextAttemptAt({ permanent: false }, 9, first, at(p.giveUpAfterMs - 1000), p)).toEqual(at(p.giveUpAfterMs));
    expect(nextAttemptAt({ permanent: false }, 9, first, at(p.giveUpAfterMs), p)).toBeNull();
    expect(nextAttemptAt({ permanent: true }, 1, first, first, p)).toBeNull();
  });
});

describe('SMS segments', () => {
  it('GSM-7: 160 in one segment, 153 a segment beyond; extension characters count twice', () => {
    expect(smsSize('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSize('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSize('a'.repeat(306)).segments).toBe(2);
    expect(smsSize('a'.repeat(307)).segments).toBe(3);
    expect(smsSize('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
  });

  it('UCS-2 (Vietnamese with diacritics): 70 in one segment, 67 a segment beyond', () => {
    expect(smsSize('ư'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSize('ư'.repeat(71)).segments).toBe(2);
    expect(smsSize('ư'.repeat(135)).segments).toBe(3);
  });

  it('removes Vietnamese diacritics, đ and Đ included', () => {
    expect(withoutDiacritics('Cách ly tại nhà, Đà Nẵng, được')).toBe('Cach ly tai nha, Da Nang, duoc');
  });
});
