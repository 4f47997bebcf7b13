import { CaseConfirmed, createEvent, EventEnvelope, Topics } from '@ct/contracts';
import { consumerGroupLag, EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { TransactionHost, Clock, ServiceClock } from '@ct/platform';
import { CommandBus } from '@nestjs/cqrs';
import { Admin } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, http, startService, tap, testKafka, TestService } from '../../../../../test/support/services';
import { Prng } from '@ct/contracts/testing/prng';
import { RecordConfirmedCase } from '../../cases/record-confirmed-case/record-confirmed-case.command';
import { TracingService } from '../../service';
import { RecordCheckIns } from '../../visits/record-check-ins/record-check-ins.command';
import { referenceTrace } from '../domain/reference';
import { CaseFacts, DEFAULT_POLICY, Finding, Stay } from '../domain/tracing-policy';
import { LateDataStore } from './late-data.store';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** The feed's PRNG with the few draws these tests use: int(n) in [0, n), shuffle in place. */
function rng(seed: number) {
  const p = new Prng(seed);
  const int = (n: number) => p.int(0, n - 1);
  return {
    next: () => p.next(),
    int,
    shuffle<T>(list: T[]): void {
      for (let i = list.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [list[i], list[j]] = [list[j], list[i]];
      }
    },
  };
}

/** A stay as generated: sent as one check-in, or as a check-in and later the same checkInId with its check-out. */
interface GenStay {
  id: string;
  person: string;
  venue: string;
  in: number;
  out: number | null;
}

/**
 * Late and out-of-order data through the real paths (checkins.v1 and cases.v1 on the broker, the
 * batch handler, the matcher, the retrace job): whatever the order in which a case, its check-ins
 * and their check-outs arrive, the contacts end up exactly as the brute-force reference finds them
 * from all the data. The engine's clock is fixed, so every identification happens at one instant
 * and the reference can use it (F2 windows end at identification).
 */
describe('late and out-of-order data', () => {
  let tracing: TestService;
  let pg: Client;
  let admin: Admin;
  let publisher: EventPublisher;
  let contacts: TopicTap;
  let clock: Clock;
  let realNow: () => Date;
  // Every stay below lies in the three days before `base + 3 days`, inside retention and before "now".
  const base = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
  const fixedNow = Date.now();

  beforeAll(async () => {
    contacts = await tap([Topics.CONTACTS]);
    tracing = await startService(TracingService, {
      RETENTION_INTERVAL_MINUTES: '0',
      TRACING_RESUME_INTERVAL_SECONDS: '2',
      TRACING_RETRACE_INTERVAL_SECONDS: '1',
      // Cases with more than 2 F1 are traced in stages, F2 three at a time, stores of 2 or more by COPY.
      TRACING_STAGED_FROM_F1: '2',
      TRACING_F2_CHUNK: '3',
      TRACING_COPY_FROM: '2',
    });
    clock = tracing.app.get(ServiceClock);
    realNow = clock.now;
    clock.now = () => new Date(fixedNow);
    publisher = tracing.app.get(EventPublisher);
    admin = testKafka('late-data-admin').admin();
    await admin.connect();
    pg = await db();
    await pg.query('SELECT tracing.ensure_visit_partitions($1::date, $2::date)', [
      iso(base - 5 * DAY).slice(0, 10),
      iso(base + 5 * DAY).slice(0, 10),
    ]);
  });

  afterAll(async () => {
    if (clock) clock.now = realNow;
    await Promise.all([tracing?.close(), contacts?.close(), admin?.disconnect(), pg?.end()]);
  });

  const checkIn = (s: GenStay, withOut: boolean) =>
    createEvent(
      'CheckInRecorded',
      {
        checkInId: s.id,
        personId: s.person,
        venueId: s.venue,
        checkedInAt: iso(s.in),
        checkedOutAt: withOut && s.out !== null ? iso(s.out) : null,
        source: 'test',
      },
      { source: '/test' },
    );

  const caseEvent = (c: CaseFacts): EventEnvelope<'CaseConfirmed'> =>
    createEvent(
      'CaseConfirmed',
      {
        caseId: c.caseId,
        personId: c.personId,
        confirmedAt: iso(c.confirmedAt),
        symptomOnsetAt: c.symptomOnsetAt === null ? null : iso(c.symptomOnsetAt),
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'INVESTIGATION',
        areaCode: '49',
      } satisfies CaseConfirmed,
      { source: '/test' },
    );

  /**
   * Everything published has been handled (the tracing group's committed offsets are at the end of
   * checkins.v1 and cases.v1: a batch's offset is committed only after its stays were matched), no
   * retrace is waiting or running, no tracing is in progress, and every case's F2 stage is done.
   */
  async function settled(caseIds: string[]): Promise<void> {
    const late = tracing.app.get(LateDataStore);
    await eventually(
      'tracing to settle',
      async () => {
        const lag = await consumerGroupLag(admin, 'tracing', [Topics.CHECKINS, Topics.CASES]);
        if (lag.some((t) => t.lag > 0)) return false;
        const p = await late.pending();
        if (p.requests > 0 || p.intents > 0) return false;
        const { rows } = await pg.query(
          'SELECT count(*)::int AS n FROM tracing.traced_cases WHERE case_id = ANY($1) AND f2_expanded_at IS NOT NULL',
          [caseIds],
        );
        return rows[0].n === caseIds.length;
      },
      60_000,
    );
  }

  /** The stored contacts of a case and the reference's, in one comparable form. */
  async function compare(c: CaseFacts, stays: GenStay[]): Promise<{ got: string[]; want: string[] }> {
    const { rows } = await pg.query('SELECT * FROM tracing.contacts WHERE source_case_id = $1', [c.caseId]);
    const all: Stay[] = stays.map((s) => ({
      personId: s.person,
      venueId: s.venue,
      start: s.in,
      end: s.out ?? s.in + 60 * MIN,
    }));
    const ref = referenceTrace(all, c, [], fixedNow, DEFAULT_POLICY);
    const key = (f: Finding) =>
      [
        f.degree,
        f.sourcePersonId,
        f.personId,
        iso(f.firstExposureAt),
        iso(f.lastExposureAt),
        iso(f.exposure.start),
        iso(f.exposure.end),
        f.exposure.venueId,
      ].join(' ');
    const t = (v: Date) => iso(new Date(v).getTime());
    const got = rows
      .map((r) =>
        [
          r.degree,
          r.source_person_id,
          r.person_id,
          t(r.first_exposure_at),
          t(r.last_exposure_at),
          t(r.started_at),
          t(r.ended_at),
          r.venue_id,
        ].join(' '),
      )
      .sort();
    return { got, want: [...ref.f1, ...ref.f2].map(key).sort() };
  }

  /** Random people, venues, stays over three days and one or two cases, from a seed. */
  function generate(seed: number) {
    const rnd = rng(seed);
    const tag = `late${seed}-${randomUUID().slice(0, 6)}`;
    const people = 10 + rnd.int(20);
    const venues = 2 + rnd.int(5);
    const stays: GenStay[] = [];
    const count = 40 + rnd.int(120);
    for (let i = 0; i < count; i++) {
      const start = base - HOUR + rnd.int(3 * 24 * 60) * MIN;
      const len = (5 + rnd.int(6) * 15) * MIN;
      stays.push({
        id: `${tag}-c${i}`,
        person: `${tag}-p${rnd.int(people)}`,
        venue: `${tag}-v${rnd.int(venues)}`,
        in: start,
        out: rnd.next() < 0.25 ? null : start + len,
      });
    }
    const cases: CaseFacts[] = [];
    for (let k = 0, n = 1 + rnd.int(2); k < n; k++) {
      const confirmedAt = base + rnd.int(3 * 24 * 60) * MIN;
      const onset = rnd.next() < 0.5 ? confirmedAt - rnd.int(36 * 60) * MIN : null;
      cases.push({
        caseId: randomUUID(),
        personId: `${tag}-p${k === 0 ? 0 : 1 + rnd.int(people - 1)}`,
        confirmedAt,
        symptomOnsetAt: onset,
        sampleTakenAt: null,
      });
    }
    return { rnd, stays, cases };
  }

  describe('property: any arrival order through the broker ends in the reference F1/F2', () => {
    const SEEDS = Array.from({ length: 8 }, (_, i) => 7100 + i);

    it.each(SEEDS)('seed %i', async (seed) => {
      const { rnd, stays, cases } = generate(seed);
      // Units of arrival: each case, each check-in, and (for half of the stays with a check-out) the
      // check-out as a second record of the same check-in, which must come after it.
      type Unit =
        { kind: 'case'; c: CaseFacts } | { kind: 'in'; s: GenStay; withOut: boolean } | { kind: 'out'; s: GenStay };
      const units: Unit[] = cases.map((c) => ({ kind: 'case', c }));
      for (const s of stays) {
        const split = s.out !== null && rnd.next() < 0.5;
        units.push({ kind: 'in', s, withOut: !split });
        if (split) units.push({ kind: 'out', s });
      }
      rnd.shuffle(units);
      // A check-out goes after its check-in: swap it back behind when the shuffle put it ahead.
      const pos = new Map<string, number>();
      units.forEach((u, i) => u.kind === 'in' && pos.set(u.s.id, i));
      units.forEach((u, i) => {
        if (u.kind !== 'out') return;
        const j = pos.get(u.s.id)!;
        if (j > i) [units[i], units[j]] = [units[j], units[i]];
      });
      // Delivered in phases; after some phases everything is left to settle (the next data is then
      // certainly late), after others the next phase races the previous one.
      const cuts = new Set(Array.from({ length: 3 }, () => rnd.int(units.length)));
      let phase: EventEnvelope[] = [];
      const ids = cases.map((c) => c.caseId);
      for (let i = 0; i < units.length; i++) {
        const u = units[i];
        phase.push(u.kind === 'case' ? caseEvent(u.c) : u.kind === 'in' ? checkIn(u.s, u.withOut) : checkIn(u.s, true));
        if (cuts.has(i) || i === units.length - 1) {
          await publisher.publish(phase);
          phase = [];
          if (rnd.next() < 0.6) {
            await eventually(
              'phase handled',
              async () =>
                (await consumerGroupLag(admin, 'tracing', [Topics.CHECKINS, Topics.CASES])).every((t) => t.lag === 0),
              30_000,
            );
          }
        }
      }
      await settled(ids);
      for (const c of cases) {
        const { got, want } = await compare(c, stays);
        expect(got).toEqual(want);
      }
    });
  });

  describe('no race between a check-in batch and a tracing', () => {
    it('batches and cases handled concurrently, in random interleavings, miss nothing', async () => {
      const tx = tracing.app.get(TransactionHost);
      const bus = tracing.app.get(CommandBus);
      for (let round = 0; round < 10; round++) {
        const { rnd, stays, cases } = generate(9100 + round);
        // Four batches (each stay once, with its check-out) and the cases, all started at once, each after a random delay.
        const batches: GenStay[][] = [[], [], [], []];
        for (const s of stays) batches[rnd.int(4)].push(s);
        const jitter = () => new Promise((r) => setTimeout(r, rnd.int(40)));
        await Promise.all([
          ...batches.map(async (b) => {
            await jitter();
            await tx.run(() => bus.execute(new RecordCheckIns(b.map((s) => checkIn(s, true)))));
          }),
          ...cases.map(async (c) => {
            await jitter();
            const e = caseEvent(c);
            await tx.run(() =>
              bus.execute(
                new RecordConfirmedCase(e.payload, { eventId: e.meta.id, correlationId: e.meta.correlationId }),
              ),
            );
          }),
        ]);
        await settled(cases.map((c) => c.caseId));
        for (const c of cases) {
          const { got, want } = await compare(c, stays);
          expect({ round, contacts: got }).toEqual({ round, contacts: want });
        }
      }
    });
  });

  describe('every direction, one at a time, with its events, the API and the metrics', () => {
    it('late stays find new F1 and F2, a late check-out moves lastExposureAt, an F2 found F1 later keeps its contactId', async () => {
      const t = `dir-${randomUUID().slice(0, 6)}`;
      const p = (n: string) => `${t}-${n}`;
      const at = (h: number) => base + 2 * DAY + h * HOUR;
      const send = async (list: { s: GenStay; withOut: boolean }[], caseIds = [c.caseId]) => {
        await publisher.publish(list.map((x) => checkIn(x.s, x.withOut)));
        await settled(caseIds);
      };
      const stay = (id: string, person: string, venue: string, from: number, to: number | null): GenStay => ({
        id: p(id),
        person: p(person),
        venue: p(venue),
        in: from,
        out: to,
      });
      const c: CaseFacts = {
        caseId: randomUUID(),
        personId: p('f0'),
        confirmedAt: at(10),
        symptomOnsetAt: null,
        sampleTakenAt: null,
      };
      const all: GenStay[] = [];
      const contactOf = async (person: string) =>
        (
          await pg.query('SELECT * FROM tracing.contacts WHERE source_case_id = $1 AND person_id = $2', [
            c.caseId,
            p(person),
          ])
        ).rows[0];

      // The F0 at the market 01:00-02:00 with A; the case is traced: A is the only F1.
      const first = [stay('s1', 'f0', 'market', at(1), at(2)), stay('s2', 'a', 'market', at(1), at(2))];
      all.push(...first);
      await send(
        first.map((s) => ({ s, withOut: true })),
        [],
      );
      await publisher.publish([caseEvent(c)]);
      await settled([c.caseId]);
      expect((await contactOf('a')).degree).toBe(1);
      expect((await contactOf('a')).found_late).toBe(false);

      // 1. A late stay of B at the market while the F0 was there: B is a new F1, found late.
      const b = stay('s3', 'b', 'market', at(1.5), at(3));
      all.push(b);
      await send([{ s: b, withOut: true }]);
      expect(await contactOf('b')).toMatchObject({ degree: 1, found_late: true });

      // 2. A late stay of the F0 at the cafe with C: a new exposure site and a new F1.
      const f0Cafe = stay('s4', 'f0', 'cafe', at(4), at(5));
      const cCafe = stay('s5', 'c', 'cafe', at(4.5), at(6));
      all.push(cCafe, f0Cafe);
      await send([{ s: cCafe, withOut: true }]);
      expect(await contactOf('c')).toBeUndefined(); // C alone at the cafe is nobody's contact yet
      await send([{ s: f0Cafe, withOut: true }]);
      expect(await contactOf('c')).toMatchObject({ degree: 1, found_late: true });
      const sites = (
        await pg.query('SELECT venue_id FROM tracing.exposure_sites WHERE case_id = $1 ORDER BY venue_id', [c.caseId])
      ).rows;
      expect(sites.map((r) => r.venue_id)).toEqual([p('cafe'), p('market')]);

      // 3. A late stay of F1 A at the gym (inside A's F2 window) with D: D is a new F2; then E, who
      // met D only, meets nobody of the case; and the same check-in of A later carries its check-out
      // (20:00 instead of the default hour), so E at 19:00 becomes F2 through A too.
      const dGym = stay('s6', 'd', 'gym', at(12), at(13));
      const aGym = stay('s7', 'a', 'gym', at(12.5), at(20));
      const eGym = stay('s8', 'e', 'gym', at(19), at(19.5));
      all.push(dGym, aGym, eGym);
      await send([
        { s: dGym, withOut: true },
        { s: eGym, withOut: true },
      ]);
      await send([{ s: aGym, withOut: false }]);
      expect(await contactOf('d')).toMatchObject({ degree: 2, source_person_id: p('a'), found_late: true });
      expect(await contactOf('e')).toBeUndefined();
      await send([{ s: aGym, withOut: true }]);
      expect(await contactOf('e')).toMatchObject({ degree: 2, source_person_id: p('a') });

      // 4. A late check-out of B at the market (the check-in said 03:00; B stayed until 09:00) and F
      // at the market 08:00-09:00: F is a new F2 through B; then the F0's own check-out at the market
      // is late too (02:00 → 08:30): F becomes an F1 (same contactId, one more event) and B's
      // lastExposureAt moves from 02:00 to 08:30.
      const fMarket = stay('s9', 'f', 'market', at(8), at(9));
      all.push(fMarket);
      await send([{ s: fMarket, withOut: true }]);
      expect(await contactOf('f')).toBeUndefined();
      const bLonger = { ...b, out: at(9) };
      all.splice(all.indexOf(b), 1, bLonger);
      await send([{ s: bLonger, withOut: true }]);
      const fAsF2 = await contactOf('f');
      expect(fAsF2).toMatchObject({ degree: 2, source_person_id: p('b') });
      expect(new Date((await contactOf('b')).last_exposure_at).toISOString()).toBe(iso(at(2)));
      const f0Longer = { ...first[0], out: at(8.5) };
      all.splice(all.indexOf(first[0]), 1, f0Longer);
      await send([{ s: f0Longer, withOut: true }]);
      const fAsF1 = await contactOf('f');
      expect(fAsF1).toMatchObject({ degree: 1, contact_id: fAsF2.contact_id, found_late: true });
      expect(new Date((await contactOf('b')).last_exposure_at).toISOString()).toBe(iso(at(8.5)));

      // 5. A stay assumed to last the default hour turns out shorter: the F0 at the library from 05:30
      // without a check-out met H (06:00); the F0's check-out at 05:45 arrives: H is no contact any
      // more, and is withdrawn (ContactWithdrawn, same contactId).
      const f0Library = stay('s10', 'f0', 'library', at(5.5), at(5.75));
      const hLibrary = stay('s11', 'h', 'library', at(6), null);
      all.push(f0Library, hLibrary);
      await send([
        { s: hLibrary, withOut: false },
        { s: f0Library, withOut: false },
      ]);
      const hAsF1 = await contactOf('h');
      expect(hAsF1).toMatchObject({ degree: 1, found_late: true });
      await send([{ s: f0Library, withOut: true }]);
      expect(await contactOf('h')).toBeUndefined();
      const withdrawn = await contacts.waitFor(
        (m) =>
          JSON.parse(m.value!.toString()).contactId === hAsF1.contact_id &&
          m.headers?.ce_type?.toString() === 'ContactWithdrawn',
      );
      expect(JSON.parse(withdrawn[0].value!.toString())).toMatchObject({
        personId: p('h'),
        sourceCaseId: c.caseId,
        previousDegree: 1,
        reason: 'NO_LONGER_EXPOSED',
      });

      // Exactly the reference, from all the data.
      const { got, want } = await compare(c, all);
      expect(got).toEqual(want);

      // Each new or changed contact was one more ContactIdentified: the last event of each contact
      // says what is stored, and F was announced twice (F2, then F1) under one contactId.
      const stored = (await pg.query('SELECT * FROM tracing.contacts WHERE source_case_id = $1', [c.caseId])).rows;
      const eventsOf = () =>
        contacts.messages
          .filter((m) => m.headers?.ce_type?.toString() === 'ContactIdentified')
          .map((m) => JSON.parse(m.value!.toString()))
          .filter((e) => e.sourceCaseId === c.caseId);
      const lastEvents = await eventually('the last event of every contact to say what is stored', async () => {
        const events = eventsOf();
        const last = stored.map((r) => events.filter((e) => e.contactId === r.contact_id).pop());
        const ok = stored.every(
          (r, i) =>
            last[i] &&
            last[i].degree === r.degree &&
            last[i].lastExposureAt === new Date(r.last_exposure_at).toISOString(),
        );
        return ok && last;
      });
      expect(lastEvents).toHaveLength(stored.length);
      expect(
        eventsOf()
          .filter((e) => e.contactId === fAsF2.contact_id)
          .map((e) => e.degree),
      ).toEqual([2, 1]);

      // The graph API says when each contact was found and whether late; /metrics counts them.
      const graph = await http(tracing.url, 'GET', `/cases/${c.caseId}/contacts`, { role: 'tracer' });
      expect(graph.status).toBe(200);
      const edgeTo = (n: string) => graph.body.edges.find((e: any) => e.target === p(n));
      expect(edgeTo('a')).toMatchObject({ late: false, identifiedAt: iso(fixedNow) });
      expect(edgeTo('b')).toMatchObject({ late: true, identifiedAt: iso(fixedNow) });
      const exposures = await http(tracing.url, 'GET', `/persons/${p('d')}/exposures`, { role: 'tracer' });
      expect(exposures.body.exposures).toEqual([
        expect.objectContaining({ sourceCaseId: c.caseId, degree: 2, late: true }),
      ]);
      const metrics = await http(tracing.url, 'GET', '/metrics', { role: 'ops' });
      const found = /tracing_contacts_found_late_total\{[^}]*\} (\d+)/.exec(String(metrics.body));
      expect(Number(found?.[1])).toBeGreaterThanOrEqual(6);
    });
  });
});
