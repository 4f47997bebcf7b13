import { CaseConfirmed, ContactDeclared, createEvent, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { TransactionHost } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, http, startService, tap, TestService } from '../../../../test/support/services';
import { TracingService } from '../service';
import { referenceTrace } from './domain/reference';
import { DEFAULT_POLICY, Finding, Stay } from './domain/tracing-policy';
import { ContactTracer } from './trace-case/contact-tracer';
import { F2Stage } from './trace-case/f2-stage';
import { ResumeTracingJob } from './trace-case/resume-tracing.job';
import { mulberry32 } from '@ct/contracts/testing/prng';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** Names unique to one test, for people and venues alike: `<tag>-<name>`. */
function tagged(): (name: string) => string {
  const t = randomUUID().slice(0, 8);
  return (name) => `${t}-${name}`;
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
    // Cases with more than 2 F1 are traced in stages, F2 three at a time, stores of 2 or more by COPY:
    // both kinds of case, chunk edges and both ways of writing get exercised.
    tracing = await startService(TracingService, {
      RETENTION_INTERVAL_MINUTES: '0',
      TRACING_RESUME_INTERVAL_SECONDS: '0',
      TRACING_STAGED_FROM_F1: '2',
      TRACING_F2_CHUNK: '3',
      TRACING_COPY_FROM: '2',
    });
    publisher = tracing.app.get(EventPublisher);
    pg = await db();
    await pg.query('SELECT tracing.ensure_visit_partitions($1::date, $2::date)', [
      iso(base - 10 * DAY).slice(0, 10),
      iso(base + 5 * DAY).slice(0, 10),
    ]);
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
      {
        caseId: randomUUID(),
        personId,
        confirmedAt: iso(confirmedAt),
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'INVESTIGATION',
        areaCode: '49',
        ...over,
      },
      { source: '/test' },
    );
  }

  const traced = (caseId: string) =>
    // Both stages: F1 with the case, F2 after it (f2_expanded_at set when done).
    eventually(
      `case ${caseId} traced`,
      async () =>
        (
          await pg.query('SELECT * FROM tracing.traced_cases WHERE case_id = $1 AND f2_expanded_at IS NOT NULL', [
            caseId,
          ])
        ).rows[0],
    );

  /** Publishes CaseConfirmed through the broker and waits until tracing has committed the case. */
  async function confirm(personId: string, confirmedAt: number, over: Partial<CaseConfirmed> = {}) {
    const e = caseEvent(personId, confirmedAt, over);
    await publisher.publish([e]);
    await traced(e.payload.caseId);
    return e;
  }

  const contactsOf = async (caseId: string) =>
    (
      await pg.query(
        'SELECT * FROM tracing.contacts WHERE source_case_id = $1 ORDER BY degree, source_person_id, person_id',
        [caseId],
      )
    ).rows;

  describe('property: the SQL engine finds what the brute-force reference finds', () => {
    const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + i);

    it.each(SEEDS)('random store, seed %i', async (seed) => {
      const rnd = mulberry32(seed);
      const tag = `s${seed}-${randomUUID().slice(0, 6)}`;
      const people = 12 + Math.floor(rnd() * 30);
      const venues = 2 + Math.floor(rnd() * 6);
      const rows: { person: string; venue: string; in: number; out: number | null }[] = [];
      const count = 40 + Math.floor(rnd() * 160);
      for (let i = 0; i < count; i++) {
        // Minute resolution over 3 days starting 23:00 the day before `base`: stays cross midnights and touch often.
        const start = base - HOUR + Math.floor(rnd() * 3 * 24 * 60) * MIN;
        const len = (5 + Math.floor(rnd() * 6) * 15) * MIN;
        rows.push({
          person: `${tag}-p${Math.floor(rnd() * people)}`,
          venue: `${tag}-v${Math.floor(rnd() * venues)}`,
          in: start,
          out: rnd() < 0.25 ? null : start + len,
        });
      }
      await visits(rows);
      const f0 = `${tag}-p${Math.floor(rnd() * people)}`;
      const confirmedAt = base + Math.floor(rnd() * 3 * 24 * 60) * MIN;
      const onset = rnd() < 0.5 ? confirmedAt - Math.floor(rnd() * 36 * 60) * MIN : null;
      const c = { caseId: randomUUID(), personId: f0, confirmedAt, symptomOnsetAt: onset, sampleTakenAt: null };

      const tx = tracing.app.get(TransactionHost);
      await tx.run(() =>
        tracing.app.get(ContactTracer).traceCase(c, { eventId: randomUUID(), correlationId: randomUUID() }),
      );

      const stored = await contactsOf(c.caseId);
      const identifiedAt = stored.length ? new Date(stored[0].identified_at).getTime() : Date.now();
      const stays: Stay[] = rows.map((r) => ({
        personId: r.person,
        venueId: r.venue,
        start: r.in,
        end: r.out ?? r.in + 60 * MIN,
      }));
      const ref = referenceTrace(stays, c, [], identifiedAt, DEFAULT_POLICY);
      const key = (f: Finding) =>
        [
          f.degree,
          f.sourcePersonId,
          f.personId,
          iso(f.firstExposureAt),
          iso(f.lastExposureAt),
          iso(f.exposure.start),
          iso(f.exposure.end),
        ].join(' ');
      const got = stored.map((r) =>
        [
          r.degree,
          r.source_person_id,
          r.person_id,
          iso(+new Date(r.first_exposure_at)),
          iso(+new Date(r.last_exposure_at)),
          iso(+new Date(r.started_at)),
          iso(+new Date(r.ended_at)),
        ].join(' '),
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
      const p = tagged();
      return { p, v: p };
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
      expect(rows.filter((r) => r.degree === 2).map((r) => [r.source_person_id, r.person_id])).toEqual([
        [p('just'), p('after')],
      ]);
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
      expect([iso(+long.started_at), iso(+long.ended_at)]).toEqual([
        iso(midnight - 30 * MIN),
        iso(midnight + 10 * MIN),
      ]);
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
        exposure: {
          kind: 'CO_LOCATION',
          venueId: v('bus'),
          startedAt: iso(at + 5 * HOUR),
          endedAt: iso(at + 5 * HOUR + 10 * MIN),
        },
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
      await eventually(
        'the re-published event to be handled',
        async () => (await pg.query('SELECT 1 FROM tracing.inbox WHERE event_id = $1', [again.meta.id])).rows[0],
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
  describe('one contact per person and case', () => {
    it('an F2 who met several F1 is one contact of the case: the latest exposure, the latest end', async () => {
      const p = tagged();
      const at = base + DAY + 8 * HOUR;
      await visits([
        { person: p('f0'), venue: p('office'), in: at, out: at + HOUR },
        { person: p('a'), venue: p('office'), in: at, out: at + HOUR },
        { person: p('b'), venue: p('office'), in: at, out: at + HOUR },
        { person: p('a'), venue: p('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR },
        { person: p('b'), venue: p('pool'), in: at + 4 * HOUR, out: at + 5 * HOUR },
        { person: p('x'), venue: p('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR },
        { person: p('x'), venue: p('pool'), in: at + 4 * HOUR, out: at + 4 * HOUR + 30 * MIN },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const f2 = (await contactsOf(e.payload.caseId)).filter((r) => r.degree === 2);
      expect(f2).toHaveLength(1);
      expect(f2[0]).toMatchObject({ person_id: p('x'), source_person_id: p('b'), venue_id: p('pool') });
      expect(iso(+f2[0].first_exposure_at)).toBe(iso(at + 2 * HOUR));
      expect(iso(+f2[0].last_exposure_at)).toBe(iso(at + 4 * HOUR + 30 * MIN));
      const msgs = await topics.waitFor((m) => m.key?.toString() === p('x'));
      expect(msgs).toHaveLength(1);
    });

    it('a declaration naming a person already found as F2 makes them F1 (one more event, still one contact)', async () => {
      const p = tagged();
      const at = base + DAY + 8 * HOUR;
      await visits([
        { person: p('f0'), venue: p('office'), in: at, out: at + HOUR },
        { person: p('a'), venue: p('office'), in: at, out: at + HOUR },
        { person: p('a'), venue: p('home'), in: at + 2 * HOUR, out: at + 12 * HOUR },
        { person: p('partner'), venue: p('home'), in: at + 2 * HOUR, out: at + 12 * HOUR },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      expect((await contactsOf(e.payload.caseId)).map((r) => [r.person_id, r.degree])).toEqual([
        [p('a'), 1],
        [p('partner'), 2],
      ]);
      await publisher.publish([
        createEvent(
          'ContactDeclared',
          {
            declarationId: randomUUID(),
            caseId: e.payload.caseId,
            sourcePersonId: p('f0'),
            personId: p('partner'),
            kind: 'DECLARED',
            startedAt: iso(at - DAY),
            endedAt: iso(at - DAY + HOUR),
            declaredAt: iso(at + DAY),
          },
          { source: '/test' },
        ),
      ]);
      const msgs = await topics.waitFor((m) => m.key?.toString() === p('partner'), 2);
      expect(msgs.map((m) => JSON.parse(m.value!.toString()).degree)).toEqual([2, 1]);
      expect(new Set(msgs.map((m) => JSON.parse(m.value!.toString()).contactId)).size).toBe(1);
      const rows = await contactsOf(e.payload.caseId);
      expect(rows.map((r) => [r.person_id, r.degree, r.kind])).toEqual([
        [p('a'), 1, 'CO_LOCATION'],
        [p('partner'), 1, 'DECLARED'],
      ]);
    });
  });

  describe('staged tracing: F1 with the case, F2 after it, resumed when cut short', () => {
    it('a case with more F1 than TRACING_STAGED_FROM_F1 commits its F1 first, then its F2 in chunks', async () => {
      const p = tagged();
      const at = base + DAY + 8 * HOUR;
      const f1 = ['a', 'b', 'c', 'd'];
      const f2 = ['w', 'x', 'y', 'z', 'zz'];
      await visits([
        { person: p('f0'), venue: p('office'), in: at, out: at + HOUR },
        ...f1.map((n) => ({ person: p(n), venue: p('office'), in: at, out: at + HOUR })),
        { person: p('a'), venue: p('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR },
        ...f2.map((n) => ({ person: p(n), venue: p('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR })),
      ]);
      const c = {
        caseId: randomUUID(),
        personId: p('f0'),
        confirmedAt: base + 2 * DAY,
        symptomOnsetAt: null,
        sampleTakenAt: null,
      };
      await pg.query(
        "INSERT INTO tracing.traced_cases (case_id, person_id, confirmed_at, origin, area_code) VALUES ($1, $2, $3, 'INVESTIGATION', '49')",
        [c.caseId, c.personId, new Date(c.confirmedAt)],
      );
      const tx = tracing.app.get(TransactionHost);
      const inTransaction = await tx.run(async () => {
        await tracing.app.get(ContactTracer).traceCase(c, { eventId: randomUUID(), correlationId: randomUUID() });
        return tx.manager.query(
          'SELECT degree, person_id FROM tracing.contacts WHERE source_case_id = $1 ORDER BY person_id',
          [c.caseId],
        );
      });
      // Inside the case's transaction: the F1 only. After it (tx.run returns once the F2 stage ran): all.
      expect(inTransaction.map((r: any) => [r.degree, r.person_id])).toEqual(f1.map((n) => [1, p(n)]));
      const all = await contactsOf(c.caseId);
      expect(all.map((r) => [r.degree, r.person_id])).toEqual([
        ...f1.map((n) => [1, p(n)]),
        ...f2.map((n) => [2, p(n)]),
      ]);
      const row = (await pg.query('SELECT f2_expanded_at FROM tracing.traced_cases WHERE case_id = $1', [c.caseId]))
        .rows[0];
      expect(row.f2_expanded_at).not.toBeNull();
      // Five F2 in chunks of three: two transactions, each with its own events.
      const msgs = await topics.waitFor(
        (m) =>
          String(m.headers?.ce_type) === 'ContactIdentified' &&
          JSON.parse(m.value!.toString()).sourceCaseId === c.caseId,
        9,
      );
      expect(msgs.map((m) => JSON.parse(m.value!.toString()).personId).sort()).toEqual([...f1, ...f2].map(p).sort());
    });

    it('publishes F1 and F2, marks the case expanded, and a resume pass finishes an unfinished F2 stage without repeating anything', async () => {
      const p = tagged();
      const at = base + DAY + 8 * HOUR;
      await visits([
        { person: p('f0'), venue: p('office'), in: at, out: at + HOUR },
        { person: p('a'), venue: p('office'), in: at, out: at + HOUR },
        { person: p('b'), venue: p('office'), in: at + 30 * MIN, out: at + 2 * HOUR },
        { person: p('c'), venue: p('office'), in: at + 30 * MIN, out: at + 40 * MIN },
        { person: p('a'), venue: p('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR },
        { person: p('x'), venue: p('gym'), in: at + 2 * HOUR, out: at + 3 * HOUR },
        { person: p('b'), venue: p('bus'), in: at + 4 * HOUR, out: at + 5 * HOUR },
        { person: p('y'), venue: p('bus'), in: at + 4 * HOUR, out: at + 4 * HOUR + 10 * MIN },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const tracedRow = (await pg.query('SELECT * FROM tracing.traced_cases WHERE case_id = $1', [e.payload.caseId]))
        .rows[0];
      expect(tracedRow.cause_event_id).toBe(e.meta.id);
      expect(tracedRow.correlation_id).toBe(e.meta.correlationId);
      expect(+tracedRow.f2_expanded_at).toBeGreaterThanOrEqual(+tracedRow.traced_at);
      const before = await contactsOf(e.payload.caseId);
      expect(before.map((r) => [r.degree, r.person_id])).toEqual([
        [1, p('a')],
        [1, p('b')],
        [1, p('c')],
        [2, p('x')],
        [2, p('y')],
      ]);
      const published = await topics.waitFor(
        (m) =>
          String(m.headers?.ce_type) === 'ContactIdentified' &&
          JSON.parse(m.value!.toString()).sourceCaseId === e.payload.caseId,
        5,
      );
      // F2 events carry the CaseConfirmed's correlation and causation like the F1 ones.
      expect(new Set(published.map((m) => String(m.headers?.ce_causationid)))).toEqual(new Set([e.meta.id]));

      // As if the process had stopped during the F2 stage: one F2 (y) not stored, the case not expanded.
      // The resumed chunk [x, y] cannot be copied (x is there): it is upserted.
      await pg.query('DELETE FROM tracing.contacts WHERE source_case_id = $1 AND person_id = $2', [
        e.payload.caseId,
        p('y'),
      ]);
      await pg.query('UPDATE tracing.traced_cases SET f2_expanded_at = NULL WHERE case_id = $1', [e.payload.caseId]);
      // The graph says its F2 are not all there yet.
      const partial = await http(tracing.url, 'GET', `/cases/${e.payload.caseId}/contacts`, { role: 'tracer' });
      expect([partial.status, partial.body.complete, partial.body.edges.length]).toEqual([200, false, 4]);
      const job = tracing.app.get(ResumeTracingJob);
      // A case traced less than the grace period ago is left to its own F2 stage.
      expect(await tracing.app.get(F2Stage).resumePending(3_600_000)).toBe(0);
      // With no grace, it is resumed.
      expect(await job.run(0)).toBeGreaterThanOrEqual(1);
      const after = await contactsOf(e.payload.caseId);
      expect(after.map((r) => [r.degree, r.source_person_id, r.person_id, iso(+r.last_exposure_at)])).toEqual(
        before.map((r) => [r.degree, r.source_person_id, r.person_id, iso(+r.last_exposure_at)]),
      );
      // Contact ids come from case and person; the resumed stage keeps the case's identification time.
      expect(after.map((r) => [r.contact_id, iso(+r.identified_at)])).toEqual(
        before.map((r) => [r.contact_id, iso(+r.identified_at)]),
      );
      expect(
        (await pg.query('SELECT f2_expanded_at FROM tracing.traced_cases WHERE case_id = $1', [e.payload.caseId]))
          .rows[0].f2_expanded_at,
      ).not.toBeNull();
      expect(
        (await http(tracing.url, 'GET', `/cases/${e.payload.caseId}/contacts`, { role: 'tracer' })).body.complete,
      ).toBe(true);
      const again = await topics.waitFor(
        (m) =>
          String(m.headers?.ce_type) === 'ContactIdentified' &&
          JSON.parse(m.value!.toString()).sourceCaseId === e.payload.caseId,
        6,
      );
      expect(again.slice(5).map((m) => JSON.parse(m.value!.toString()).personId)).toEqual([p('y')]);
      // Nothing left to resume, and a second pass publishes nothing more.
      expect(await job.run(0)).toBe(0);
      await publisher.publish([caseEvent(p('marker'), base + 2 * DAY)]);
      await eventually(
        'the marker case traced',
        async () =>
          (
            await pg.query('SELECT 1 FROM tracing.traced_cases WHERE person_id = $1 AND f2_expanded_at IS NOT NULL', [
              p('marker'),
            ])
          ).rows[0],
      );
      expect(
        topics.messages.filter(
          (m) =>
            String(m.headers?.ce_type) === 'ContactIdentified' &&
            JSON.parse(m.value!.toString()).sourceCaseId === e.payload.caseId,
        ),
      ).toHaveLength(6);
    });
  });

  describe('F2 stages are leased', () => {
    it("another instance's stage is left alone while its lease runs, resumed once it ran out; this instance's own is resumed at once after a restart", async () => {
      const p = tagged();
      const at = base + DAY + 8 * HOUR;
      await visits([
        { person: p('f0'), venue: p('hall'), in: at, out: at + HOUR },
        ...['a', 'b', 'c'].map((n) => ({ person: p(n), venue: p('hall'), in: at, out: at + HOUR })),
        { person: p('a'), venue: p('cafe'), in: at + 2 * HOUR, out: at + 3 * HOUR },
        { person: p('x'), venue: p('cafe'), in: at + 2 * HOUR, out: at + 3 * HOUR },
      ]);
      const e = await confirm(p('f0'), base + 2 * DAY);
      const caseId = e.payload.caseId;
      const stage = tracing.app.get(F2Stage);
      const cut = async (owner: string, until: string) => {
        await pg.query('DELETE FROM tracing.contacts WHERE source_case_id = $1 AND degree = 2', [caseId]);
        await pg.query(
          `UPDATE tracing.traced_cases SET f2_expanded_at = NULL, f2_lease_owner = $2, f2_lease_until = now() + $3::interval WHERE case_id = $1`,
          [caseId, owner, until],
        );
      };
      const f2 = async () =>
        (
          await pg.query('SELECT person_id FROM tracing.contacts WHERE source_case_id = $1 AND degree = 2', [caseId])
        ).rows.map((r) => r.person_id);

      // Another instance is running it (lease valid): left alone.
      await cut('another-instance', '1 minute');
      expect(await stage.resumePending()).toBe(0);
      expect(await f2()).toEqual([]);
      // That instance died: its lease ran out, and this instance resumes the stage.
      await pg.query(
        "UPDATE tracing.traced_cases SET f2_lease_until = now() - interval '1 second' WHERE case_id = $1",
        [caseId],
      );
      expect(await stage.resumePending()).toBe(1);
      expect(await f2()).toEqual([p('x')]);
      const row = (await pg.query('SELECT * FROM tracing.traced_cases WHERE case_id = $1', [caseId])).rows[0];
      expect([row.f2_expanded_at !== null, row.f2_lease_owner, row.f2_lease_until]).toEqual([true, null, null]);

      // This instance's own stage, not running here (as after a restart): resumed at once, lease or not.
      await cut(stage.owner, '1 minute');
      expect(await stage.resumePending()).toBe(1);
      expect(await f2()).toEqual([p('x')]);
    });
  });

  describe('declarations, cascade and the graph API', () => {
    const ids = tagged;
    const declared = (
      caseId: string,
      sourcePersonId: string,
      personId: string,
      at: number,
      over: Partial<ContactDeclared> = {},
    ) =>
      createEvent(
        'ContactDeclared',
        {
          declarationId: randomUUID(),
          caseId,
          sourcePersonId,
          personId,
          kind: 'HOUSEHOLD',
          startedAt: iso(at),
          endedAt: iso(at + 12 * HOUR),
          declaredAt: iso(at + DAY),
          ...over,
        },
        { source: '/test' },
      );

    it('a declaration for a traced case yields its ContactIdentified at once; one declared before tracing is used when traced', async () => {
      const p = ids();
      const at = base + DAY;
      // Declared first: the case id is known to the cases service, tracing has not seen CaseConfirmed yet.
      const early = caseEvent(p('f0'), base + 2 * DAY);
      await publisher.publish([declared(early.payload.caseId, p('f0'), p('spouse'), at)]);
      await eventually(
        'the early declaration stored',
        async () =>
          (await pg.query('SELECT 1 FROM tracing.declared_contacts WHERE case_id = $1', [early.payload.caseId]))
            .rows[0],
      );
      expect(await contactsOf(early.payload.caseId)).toEqual([]);
      await publisher.publish([early]);
      await traced(early.payload.caseId);
      expect((await contactsOf(early.payload.caseId)).map((r) => [r.person_id, r.kind, r.degree])).toEqual([
        [p('spouse'), 'HOUSEHOLD', 1],
      ]);

      // Declared later: identified right away, with the declared person's own co-location contacts as F2.
      await visits([
        { person: p('colleague'), venue: p('office'), in: at + 13 * HOUR, out: at + 17 * HOUR },
        { person: p('desk-mate'), venue: p('office'), in: at + 13 * HOUR, out: at + 17 * HOUR },
      ]);
      await publisher.publish([declared(early.payload.caseId, p('f0'), p('colleague'), at, { kind: 'DECLARED' })]);
      const [msg] = await topics.waitFor((m) => m.key?.toString() === p('colleague'));
      expect(JSON.parse(msg.value!.toString())).toMatchObject({
        sourceCaseId: early.payload.caseId,
        degree: 1,
        exposure: { kind: 'DECLARED', venueId: null, startedAt: iso(at), endedAt: iso(at + 12 * HOUR) },
        lastExposureAt: iso(at + 12 * HOUR),
      });
      const [f2] = await topics.waitFor((m) => m.key?.toString() === p('desk-mate'));
      expect(JSON.parse(f2.value!.toString())).toMatchObject({
        sourcePersonId: p('colleague'),
        sourceCaseId: early.payload.caseId,
        degree: 2,
      });
    });

    it('cascade through Kafka: an F1 confirmed by a test is traced like any case, and the graph keeps the chain', async () => {
      const p = ids();
      const at = base + DAY + 9 * HOUR;
      await visits([
        { person: p('f0'), venue: p('market'), in: at, out: at + HOUR },
        { person: p('f1'), venue: p('market'), in: at + 30 * MIN, out: at + 2 * HOUR },
        { person: p('f1'), venue: p('school'), in: at + 5 * HOUR, out: at + 8 * HOUR },
        { person: p('pupil'), venue: p('school'), in: at + 6 * HOUR, out: at + 7 * HOUR },
        { person: p('pupil'), venue: p('home'), in: at + 10 * HOUR, out: at + 20 * HOUR },
        { person: p('parent'), venue: p('home'), in: at + 10 * HOUR, out: at + 20 * HOUR },
      ]);
      const first = await confirm(p('f0'), at + 12 * HOUR);
      const [f1Msg] = await topics.waitFor((m) => m.key?.toString() === p('f1'));
      expect(JSON.parse(f1Msg.value!.toString())).toMatchObject({ sourceCaseId: first.payload.caseId, degree: 1 });
      const [pupilMsg] = await topics.waitFor((m) => m.key?.toString() === p('pupil'));
      expect(JSON.parse(pupilMsg.value!.toString())).toMatchObject({
        sourceCaseId: first.payload.caseId,
        sourcePersonId: p('f1'),
        degree: 2,
      });

      // The F1 tests positive: a new F0 whose contacts come out on contacts.v1 with the new case as source.
      const second = caseEvent(p('f1'), at + DAY, {
        origin: 'TEST_RESULT',
        sampleTakenAt: iso(at + DAY - HOUR),
        sourceTestId: randomUUID(),
      });
      await publisher.publish([second]);
      const cascade = await topics.waitFor(
        (m) =>
          m.key?.toString() === p('pupil') && JSON.parse(m.value!.toString()).sourceCaseId === second.payload.caseId,
      );
      expect(JSON.parse(cascade[0].value!.toString())).toMatchObject({
        sourcePersonId: p('f1'),
        degree: 1,
        exposure: { venueId: p('school') },
      });
      const [parent] = await topics.waitFor(
        (m) =>
          m.key?.toString() === p('parent') && JSON.parse(m.value!.toString()).sourceCaseId === second.payload.caseId,
      );
      expect(JSON.parse(parent.value!.toString())).toMatchObject({ sourcePersonId: p('pupil'), degree: 2 });
      expect(JSON.parse(cascade[0].value!.toString()).identifiedAt).toBeDefined();

      // And the pupil too: three generations.
      const third = await confirm(p('pupil'), at + 2 * DAY, { origin: 'TEST_RESULT' });

      const chain = await http(tracing.url, 'GET', `/cases/${second.payload.caseId}/chain`, { role: 'tracer' });
      expect(chain.status).toBe(200);
      expect(chain.body.ancestors.map((a: any) => [a.caseId, a.generation])).toEqual([[first.payload.caseId, 1]]);
      expect(chain.body.descendants.map((a: any) => [a.caseId, a.generation])).toEqual([[third.payload.caseId, 1]]);
      const root = await http(tracing.url, 'GET', `/cases/${first.payload.caseId}/chain`, { role: 'tracer' });
      expect(root.body.ancestors).toEqual([]);
      expect(root.body.descendants.map((a: any) => [a.caseId, a.generation])).toEqual([
        [second.payload.caseId, 1],
        [third.payload.caseId, 1], // the pupil was also the first case's F2
      ]);

      const graph = await http(tracing.url, 'GET', `/cases/${first.payload.caseId}/contacts`, { role: 'tracer' });
      expect(graph.status).toBe(200);
      expect(graph.body.complete).toBe(true);
      expect(graph.body.nodes).toEqual(
        expect.arrayContaining([
          { personId: p('f0'), degree: 0, class: 'F0' },
          { personId: p('f1'), degree: 1, class: 'F0' }, // now a case
          { personId: p('pupil'), degree: 2, class: 'F0' },
        ]),
      );
      expect(graph.body.edges).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            source: p('f0'),
            target: p('f1'),
            kind: 'CO_LOCATION',
            venueId: p('market'),
            startedAt: iso(at + 30 * MIN),
            endedAt: iso(at + HOUR),
          }),
          expect.objectContaining({ source: p('f1'), target: p('pupil'), venueId: p('school') }),
        ]),
      );

      const exposures = await http(tracing.url, 'GET', `/persons/${p('pupil')}/exposures`, { role: 'tracer' });
      expect(exposures.body.exposures.map((x: any) => [x.sourceCaseId, x.sourcePersonId, x.degree]).sort()).toEqual(
        [
          [first.payload.caseId, p('f1'), 2],
          [second.payload.caseId, p('f1'), 1],
        ].sort(),
      );

      const clusters = await http(tracing.url, 'GET', '/clusters', { role: 'tracer' });
      expect(clusters.status).toBe(200);
      const mine = clusters.body.find((c: any) => c.caseIds.includes(first.payload.caseId));
      expect(mine).toMatchObject({
        size: 3,
        firstConfirmedAt: iso(at + 12 * HOUR),
        lastConfirmedAt: iso(at + 2 * DAY),
      });
      expect(mine.caseIds.sort()).toEqual([first.payload.caseId, second.payload.caseId, third.payload.caseId].sort());
      expect(mine.venues).toEqual(expect.arrayContaining([p('market'), p('school')]));

      const sites = await http(tracing.url, 'GET', `/exposure-sites?from=${iso(at - DAY)}&to=${iso(at + 3 * DAY)}`, {
        role: 'tracer',
      });
      expect(sites.status).toBe(200);
      const marketSites = sites.body.sites.filter((s: any) => s.venueId === p('market'));
      expect(marketSites).toEqual([{ venueId: p('market'), from: iso(at), to: iso(at + 2 * HOUR) }]); // f0's and f1's stays merged
      expect(JSON.stringify(sites.body)).not.toContain(p('f0'));
    });

    it('guards the graph API: tracer role, 404 for an untraced case, 400 for bad input', async () => {
      expect((await http(tracing.url, 'GET', `/cases/${randomUUID()}/contacts`, { role: 'feed' })).status).toBe(403);
      expect((await http(tracing.url, 'GET', '/clusters')).status).toBe(401);
      const missing = await http(tracing.url, 'GET', `/cases/${randomUUID()}/contacts`, { role: 'tracer' });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('CASE.NOT_TRACED');
      expect((await http(tracing.url, 'GET', '/cases/not-a-uuid/chain', { role: 'tracer' })).status).toBe(400);
      expect((await http(tracing.url, 'GET', '/exposure-sites?from=yesterday', { role: 'tracer' })).status).toBe(400);
      expect((await http(tracing.url, 'GET', '/clusters?minSize=0', { role: 'tracer' })).status).toBe(400);
    });
  });
});
