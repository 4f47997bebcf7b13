import { CaseConfirmed, ContactDeclared, createEvent, Topics } from '@ct/contracts';
import { EventPublisher, TopicTap } from '@ct/messaging';
import { TransactionHost } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, http, startService, tap, TestService } from '../../../../test/support/services';
import { TracingService } from '../service';
import { referenceTrace } from './domain/reference';
import { DEFAULT_POLICY, Finding, Stay } from './domain/tracing-policy';
import { ContactTracer } from './trace-case/contact-tracer';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The engine against the real PostgreSQL and broker: F1/F2 compared with the brute-force reference
 * on random data, the listed edge cases each on their own, declarations, the cascade and the graph API.
 */
describe('contact tracing engine', () => {
  let tracing: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  // Midnight UTC three days ago: every stay below is inside retention and before "now".
  const base = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;

  beforeAll(async () => {
    topics = await tap([Topics.CONTACTS]);
    tracing = await startService(TracingService, { RETENTION_INTERVAL_MINUTES: '0' });
    publisher = tracing.app.get(EventPublisher);
    pg = await db();
    await pg.query('SELECT tracing.ensure_visit_partitions($1::date, $2::date)', [iso(base - 10 * DAY).slice(0, 10), iso(base + 5 * DAY).slice(0, 10)]);
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), topics?.close(), pg?.end()]);
  });

  /** Inserts stays straight into the visit store; `out` null = no check-out (default stay of 60 min). */
  async function visits(rows: { person: string; venue: string; in: number; out: number | null }[]): Promise<void> {
    await pg.query(
      `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::text[])`,
      [
        rows.map(() => `ci-${randomUUID()}`),
        rows.map((r) => r.person),
        rows.map((r) => r.venue),
        rows.map((r) => new Date(r.in)),
        rows.map((r) => (r.out === null ? null : new Date(r.out))),
        rows.map((r) => new Date(r.out ?? r.in + 60 * MIN)),
        rows.map(() => 'test'),
      ],
    );
  }

  function caseEvent(personId: string, confirmedAt: number, over: Partial<CaseConfirmed> = {}) {
    return createEvent(
      'CaseConfirmed',
      { caseId: randomUUID(), personId, confirmedAt: iso(confirmedAt), symptomOnsetAt: null, sampleTakenAt: null, testType: 'PCR', origin: 'INVESTIGATION', areaCode: '49', ...over },
      { source: '/test' },
    );
  }

  const traced = (caseId: string) =>
    eventually(`case ${caseId} traced`, async () => (await pg.query('SELECT * FROM tracing.traced_cases WHERE case_id = $1', [caseId])).rows[0]);

  /** Publishes CaseConfirmed through the broker and waits until tracing has committed the case. */
  async function confirm(personId: string, confirmedAt: number, over: Partial<CaseConfirmed> = {}) {
    const e = caseEvent(personId, confirmedAt, over);
    await publisher.publish([e]);
    await traced(e.payload.caseId);
    return e;
  }

  const contactsOf = async (caseId: string) =>
    (await pg.query('SELECT * FROM tracing.contacts WHERE source_case_id = $1 ORDER BY degree, source_person_id, person_id', [caseId])).rows;

  describe('property: the SQL engine finds what the brute-force reference finds', () => {
    const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + i);

    it.each(SEEDS)('random store, seed %i', async (seed) => {
      const rnd = prng(seed);
      const tag = `s${seed}-${randomUUID().slice(0, 6)}`;
      const people = 12 + Math.floor(rnd() * 30);
      const venues = 2 + Math.floor(rnd() * 6);
      const rows: { person: string; venue: string; in: number; out: number | null }[] = [];
      const count = 40 + Math.floor(rnd() * 160);
      for (let i = 0; i < count; i++) {
        // Minute resolution over 3 days starting 23:00 the day before `base`: stays cross midnights and touch often.
        const start = base - HOUR + Math.floor(rnd() * 3 * 24 * 60) * MIN;
        const len = (5 + Math.floor(rnd() * 6) * 15) * MIN;
        rows.push({ person: `${tag}-p${Math.floor(rnd() * people)}`, venue: `${tag}-v${Math.floor(rnd() * venues)}`, in: start, out: rnd() < 0.25 ? null : start + len });
      }
      await visits(rows);
      const f0 = `${tag}-p${Math.floor(rnd() * people)}`;
      const confirmedAt = base + Math.floor(rnd() * 3 * 24 * 60) * MIN;
      const onset = rnd() < 0.5 ? confirmedAt - Math.floor(rnd() * 36 * 60) * MIN : null;
      const c = { caseId: randomUUID(), personId: f0, confirmedAt, symptomOnsetAt: onset, sampleTakenAt: null };

      const tx = tracing.app.get(TransactionHost);
      await tx.run(() => tracing.app.get(ContactTracer).traceCase(c, { eventId: randomUUID(), correlationId: randomUUID() }));

      const stored = await contactsOf(c.caseId);
      const identifiedAt = stored.length ? new Date(stored[0].identified_at).getTime() : Date.now();
      const stays: Stay[] = rows.map((r) => ({ personId: r.person, venueId: r.venue, start: r.in, end: r.out ?? r.in + 60 * MIN }));
      const ref = referenceTrace(stays, c, [], identifiedAt, DEFAULT_POLICY);
      const key = (f: Finding) =>
        [f.degree, f.sourcePersonId, f.personId, iso(f.firstExposureAt), iso(f.lastExposureAt), iso(f.exposure.start), iso(f.exposure.end)].join(' ');
      const got = stored.map((r) =>
        [r.degree, r.source_person_id, r.person_id, iso(+new Date(r.first_exposure_at)), iso(+new Date(r.last_exposure_at)), iso(+new Date(r.started_at)), iso(+new Date(r.ended_at))].join(' '),
      );
      expect(got.sort()).toEqual([...ref.f1, ...ref.f2].map(key).sort());
      // Non-trivial data: across the seeds most cases have contacts (asserted in aggregate below).
      found.push(ref.f1.length + ref.f2.length);
    });

    const found: number[] = [];
    afterAll(() => {
      expect(found.filter((n) => n > 0).length).toBeGreaterThan(SEEDS.length / 2);
    });
  });

  describe('edge cases', () => {
    const ids = () => {
      const t = randomUUID().slice(0, 8);
      return { t, p: (n: string) => `${t}-${n}`, v: (n: string) => `${t}-${n}` };
    };

    it('a missing check-out lasts the default stay (60 minutes)', async () => {
      const { p, v } = ids();
      const at = base + DAY + 10 * HOUR;
      await visits([
        { person: p('f0'), venue: v('shop'), in: at, out: at + 30 * MIN },
        { person: p('late'), venue: v('shop'), in: at - 30 * MIN, out: null }, // ends at +30 min: overlaps
        { person: p('gone'), venue: v('shop'), in: at - 70 * MIN, out: null }, // ends 10 min before
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const rows = await contactsOf(e.payload.caseId);
      expect(rows.map((r) => r.person_id)).toEqual([p('late')]);
      expect(iso(+rows[0].started_at)).toBe(iso(at));
      expect(iso(+rows[0].ended_at)).toBe(iso(at + 30 * MIN));
    });

    it('intervals that only touch are not an overlap; one millisecond is', async () => {
      const { p, v } = ids();
      const at = base + DAY + 10 * HOUR;
      await visits([
        { person: p('f0'), venue: v('shop'), in: at, out: at + HOUR },
        { person: p('after'), venue: v('shop'), in: at + HOUR, out: at + 2 * HOUR },
        { person: p('before'), venue: v('shop'), in: at - HOUR, out: at },
        { person: p('just'), venue: v('shop'), in: at + HOUR - 1, out: at + 2 * HOUR },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const rows = await contactsOf(e.payload.caseId);
      expect(rows.filter((r) => r.degree === 1).map((r) => r.person_id)).toEqual([p('just')]);
      // 'after' only touched the F0 but overlaps 'just': an F2 through them, not an F1.
      expect(rows.filter((r) => r.degree === 2).map((r) => [r.source_person_id, r.person_id])).toEqual([[p('just'), p('after')]]);
    });

    it('stays crossing midnight meet across day partitions', async () => {
      const { p, v } = ids();
      const midnight = base + DAY;
      await visits([
        { person: p('f0'), venue: v('bar'), in: midnight - 30 * MIN, out: midnight + 45 * MIN },
        { person: p('next-day'), venue: v('bar'), in: midnight + 30 * MIN, out: midnight + 2 * HOUR },
        { person: p('long'), venue: v('bar'), in: midnight - 5 * HOUR, out: midnight + 10 * MIN }, // checked in in the previous partition
        { person: p('prev-day'), venue: v('bar'), in: midnight - 3 * HOUR, out: midnight - 31 * MIN },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const rows = await contactsOf(e.payload.caseId);
      expect(rows.map((r) => r.person_id).sort()).toEqual([p('long'), p('next-day')].sort());
      const long = rows.find((r) => r.person_id === p('long'));
      expect([iso(+long.started_at), iso(+long.ended_at)]).toEqual([iso(midnight - 30 * MIN), iso(midnight + 10 * MIN)]);
    });

    it('one pair overlapping at several venues is one contact, with the latest overlap and lastExposureAt', async () => {
      const { p, v } = ids();
      const at = base + DAY + 8 * HOUR;
      await visits([
        { person: p('f0'), venue: v('market'), in: at, out: at + HOUR },
        { person: p('a'), venue: v('market'), in: at + 30 * MIN, out: at + 2 * HOUR },
        { person: p('f0'), venue: v('cafe'), in: at + 3 * HOUR, out: at + 4 * HOUR },
        { person: p('a'), venue: v('cafe'), in: at + 3 * HOUR, out: at + 3 * HOUR + 20 * MIN },
        { person: p('f0'), venue: v('bus'), in: at + 5 * HOUR, out: at + 6 * HOUR },
        { person: p('a'), venue: v('bus'), in: at + 5 * HOUR, out: at + 5 * HOUR + 10 * MIN },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const rows = await contactsOf(e.payload.caseId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ person_id: p('a'), degree: 1, kind: 'CO_LOCATION', venue_id: v('bus') });
      expect(iso(+rows[0].last_exposure_at)).toBe(iso(at + 5 * HOUR + 10 * MIN));
      expect(iso(+rows[0].first_exposure_at)).toBe(iso(at + 30 * MIN));
      const msgs = await topics.waitFor((m) => m.key?.toString() === p('a'));
      expect(msgs).toHaveLength(1);
      expect(JSON.parse(msgs[0].value!.toString())).toMatchObject({
        personId: p('a'),
        sourcePersonId: p('f0'),
        sourceCaseId: e.payload.caseId,
        degree: 1,
        exposure: { kind: 'CO_LOCATION', venueId: v('bus'), startedAt: iso(at + 5 * HOUR), endedAt: iso(at + 5 * HOUR + 10 * MIN) },
        lastExposureAt: iso(at + 5 * HOUR + 10 * MIN),
      });
    });

    it('a person checked in at two venues at once meets the people of both, and is never their own contact', async () => {
      const { p, v } = ids();
      const at = base + DAY + 14 * HOUR;
      await visits([
        { person: p('f0'), venue: v('v1'), in: at, out: at + HOUR },
        { person: p('f0'), venue: v('v2'), in: at + 10 * MIN, out: at + 50 * MIN },
        { person: p('b'), venue: v('v1'), in: at + 5 * MIN, out: at + 20 * MIN },
        { person: p('c'), venue: v('v2'), in: at + 40 * MIN, out: at + 2 * HOUR },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const rows = await contactsOf(e.payload.caseId);
      expect(rows.map((r) => [r.person_id, r.venue_id, r.degree])).toEqual([
        [p('b'), v('v1'), 1],
        [p('c'), v('v2'), 1],
      ]);
    });

    it('the same CaseConfirmed delivered twice (and re-published under a new event id) adds no contacts', async () => {
      const { p, v } = ids();
      const at = base + DAY + 9 * HOUR;
      await visits([
        { person: p('f0'), venue: v('shop'), in: at, out: at + HOUR },
        { person: p('a'), venue: v('shop'), in: at, out: at + HOUR },
        { person: p('a'), venue: v('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR },
        { person: p('f2'), venue: v('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR },
      ]);
      const e = caseEvent(p('f0'), base + 2 * DAY);
      await publisher.publish([e, e]);
      await traced(e.payload.caseId);
      const again = createEvent('CaseConfirmed', e.payload, { source: '/test' });
      await publisher.publish([again]);
      await eventually('the re-published event to be handled', async () =>
        (await pg.query('SELECT 1 FROM tracing.inbox WHERE event_id = $1', [again.meta.id])).rows[0],
      );
      const rows = await contactsOf(e.payload.caseId);
      expect(rows.map((r) => [r.person_id, r.degree])).toEqual([
        [p('a'), 1],
        [p('f2'), 2],
      ]);
      const msgs = await topics.waitFor((m) => [p('a'), p('f2')].includes(m.key?.toString() ?? ''), 2);
      await new Promise((r) => setTimeout(r, 1500));
      expect(topics.messages.filter((m) => [p('a'), p('f2')].includes(m.key?.toString() ?? ''))).toHaveLength(2);
      expect(msgs.map((m) => JSON.parse(m.value!.toString()).degree).sort()).toEqual([1, 2]);
    });
  });
});
