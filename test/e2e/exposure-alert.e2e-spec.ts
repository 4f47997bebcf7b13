import { AnyEvent, createEvent, EventPayloads, parse, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { TracingService } from '../../apps/tracing/src/service';
import { NotifyHarness } from '../support/notify-harness';
import { eventually, startService, tap, TestService } from '../support/services';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Issue 17, exposure alerts on the real broker: tracing announces the visitors of a case's exposure
 * site who are no F1 or F2 of it (ExposureSiteVisitorIdentified on contacts.v1, once per case, venue
 * and person, also when a late check-in finds one after the tracing), and the cases notifier sends
 * each one app message in their language, whatever the redeliveries.
 */
describe('exposure alerts: site visitors who are no contact get one app message', () => {
  const h = new NotifyHarness();
  let tracing: TestService;
  let contacts: TopicTap;
  const tag = randomUUID().slice(0, 8);
  const id = (name: string) => `${tag}-${name}`;
  // Yesterday at 02:00 UTC, whole minutes: inside retention and the case's infectious window.
  const t0 = Math.floor((Date.now() - 22 * HOUR) / MIN) * MIN;
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    await h.open();
    h.setClock(new Date().toISOString()); // real time: tracing's retention and window read the same clock
    contacts = await tap([Topics.CONTACTS]);
    // Close contact = more than 15 minutes together: shorter overlaps at a site are alerts, not F1.
    tracing = await startService(TracingService, {
      RETENTION_INTERVAL_MINUTES: '0',
      TRACING_MIN_OVERLAP_SECONDS: '900',
      TRACING_RETRACE_INTERVAL_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), contacts?.close()]);
    await h.close();
  });

  const publish = (events: AnyEvent[]) => h.cases.app.get(EventPublisher).publish(events);
  const checkIn = (personId: string, venue: string, from: number, to: number) =>
    createEvent(
      'CheckInRecorded',
      {
        checkInId: `ci-${randomUUID()}`,
        personId,
        venueId: id(venue),
        checkedInAt: iso(from),
        checkedOutAt: iso(to),
        source: 'test-app',
      },
      { source: '/test' },
    );
  /** The distinct alerts (event ids) on contacts.v1 for a person (a redelivery is the same one). */
  const alertIds = (personId: string) => new Set(alertsFor(personId).map((m) => String(m.headers?.ce_id)));
  const alertsFor = (personId: string) =>
    contacts.messages.filter(
      (m) => String(m.headers?.ce_type) === 'ExposureSiteVisitorIdentified' && m.key?.toString() === personId,
    );
  const stored = (personId: string) =>
    eventually(`the stay of ${personId}`, async () => {
      const r = await h.pg.query('SELECT 1 FROM tracing.visits WHERE person_id = $1', [personId]);
      return r.rows.length > 0;
    });
  const appTo = (personId: string) => h.app.requests.filter((r) => r.status === 200 && r.body.personId === personId);

  it('alerts the short visitor and who came within the linger, never the F0, an F1, an F2 or who came after it; late check-ins too; once each', async () => {
    const english = await h.register({ language: 'en' });
    const [f0, f1, f2, short, later, gone, late, lateAfter] = [
      'f0',
      'f1',
      'f2',
      'short',
      'later',
      'gone',
      'late',
      'late-after',
    ].map(id);
    const stays = [
      checkIn(f0, 'market', t0, t0 + 2 * HOUR),
      checkIn(f1, 'market', t0 + 30 * MIN, t0 + 90 * MIN), // 60 min with the F0: F1
      checkIn(short, 'market', t0 + 115 * MIN, t0 + 3 * HOUR), // 5 min with the F0: alert
      checkIn(english.personId, 'market', t0 - 30 * MIN, t0 + 10 * MIN), // 10 min: alert, in English
      checkIn(f2, 'market', t0 + 110 * MIN, t0 + 2 * HOUR), // 10 min with the F0, but an F2 (below)
      checkIn(f1, 'cafe', t0 + 3 * HOUR, t0 + 4 * HOUR),
      checkIn(f2, 'cafe', t0 + 3 * HOUR, t0 + 4 * HOUR), // 60 min with the F1: F2
      // Came as the F0 left: no overlap, but inside the default linger (TRACING_EXPOSURE_LINGER_MINUTES=120).
      checkIn(later, 'market', t0 + 2 * HOUR, t0 + 3 * HOUR),
      checkIn(gone, 'market', t0 + 4 * HOUR + 5 * MIN, t0 + 5 * HOUR), // came after the linger: nothing
    ];
    await publish(stays);
    for (const p of [f0, f1, f2, short, later, gone, english.personId]) await stored(p);

    const confirmed = createEvent(
      'CaseConfirmed',
      {
        caseId: randomUUID(),
        personId: f0,
        confirmedAt: iso(Date.now() - MIN),
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'INVESTIGATION',
        areaCode: '49',
      },
      { source: '/test' },
    );
    await publish([confirmed]);
    const caseId = confirmed.payload.caseId;
    await contacts.waitFor((m) => [short, english.personId, later].some((p) => alertsFor(p).includes(m)), 3);
    const [alert] = alertsFor(short).map(
      (m) => JSON.parse(m.value!.toString()) as EventPayloads['ExposureSiteVisitorIdentified'],
    );
    expect(alert).toMatchObject({
      personId: short,
      sourcePersonId: f0,
      sourceCaseId: caseId,
      venueId: id('market'),
      startedAt: iso(t0 + 115 * MIN),
      endedAt: iso(t0 + 3 * HOUR), // the whole stay: the site stays risky for the linger after the F0 left
    });
    const degrees = await h.pg.query('SELECT person_id, degree FROM tracing.contacts WHERE source_case_id = $1', [
      caseId,
    ]);
    expect(Object.fromEntries(degrees.rows.map((r) => [r.person_id, r.degree]))).toEqual({ [f1]: 1, [f2]: 2 });
    const [lingered] = alertsFor(later).map(
      (m) => JSON.parse(m.value!.toString()) as EventPayloads['ExposureSiteVisitorIdentified'],
    );
    expect(lingered).toMatchObject({
      venueId: id('market'),
      startedAt: iso(t0 + 2 * HOUR),
      endedAt: iso(t0 + 3 * HOUR),
    });

    // A check-in that arrives after the tracing, 5 minutes with the F0: found by the retrace.
    // So does one inside the linger after the F0 left; one after the linger changes nothing.
    await publish([
      checkIn(late, 'market', t0 + 20 * MIN, t0 + 25 * MIN),
      checkIn(lateAfter, 'market', t0 + 3 * HOUR + 30 * MIN, t0 + 3 * HOUR + 40 * MIN),
      checkIn(id('late-gone'), 'market', t0 + 4 * HOUR + 30 * MIN, t0 + 5 * HOUR),
    ]);
    await contacts.waitFor((m) => alertsFor(late).includes(m));
    await contacts.waitFor((m) => alertsFor(lateAfter).includes(m));

    const shortApp = await eventually('the app message of the short visitor', async () => appTo(short)[0]);
    expect(shortApp.body.text).toContain('Hãy theo dõi sức khỏe trong 14 ngày');
    expect(shortApp.body.text).toContain(id('market'));
    const englishApp = await eventually('the English app message', async () => appTo(english.personId)[0]);
    expect(englishApp.body.text).toContain('Please monitor your health for 14 days');
    await eventually('the late visitor alerted', async () => appTo(late).length === 1);

    // The same event redelivered: nothing more; neither does the retrace announce anyone twice.
    const again = parse(alertsFor(short)[0]);
    if (!again.ok) throw new Error('the alert on contacts.v1 does not parse');
    await publish([again.event]);
    const marker = createEvent(
      'ExposureSiteVisitorIdentified',
      { ...alert, alertId: randomUUID(), personId: id('marker') },
      { source: '/test' },
    );
    await publish([marker]);
    await eventually('the marker sent', async () => appTo(id('marker')).length === 1);
    expect(appTo(short)).toHaveLength(1);
    for (const p of [short, english.personId, later, late, lateAfter]) expect(alertIds(p).size).toBe(1);
    for (const p of [f0, f1, f2, gone, id('late-gone')]) expect(alertIds(p).size).toBe(0);
    for (const p of [f0, f1, f2, gone, id('late-gone')]) expect(appTo(p)).toHaveLength(0);
    const rows = await h.rows(short);
    expect(rows.map((r) => [r.channel, r.template, r.state])).toEqual([['APP', 'EXPOSURE_ALERT', 'SENT']]);
  });
});
