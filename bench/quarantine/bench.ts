/**
 * `npm run bench:quarantine [-- --active N --contacts M]`: the quarantine service at provincial scale.
 *
 * 1. Seeds N (default 100,000) active quarantines with their tests directly in PostgreSQL (a fresh
 *    database), spread over 16 days of day 0 so that a daily pass has real work: ~1/8 of them end
 *    today or ended yesterday (most with a negative exit test: released; some without: overdue),
 *    some earlier tests were missed, and today's tests are due.
 * 2. Runs the real quarantine service as its own process (`node dist/apps/quarantine/src/main.js`,
 *    which builds it with createServiceApp: migrations, Kafka consumer, outbox relay), as it runs in
 *    production, against a real broker (a fresh one from tools/kafka unless KAFKA_BROKERS is set);
 *    the bench's own producer and reader do not share its event loop.
 * 3. Daily pass: POST /quarantines/release-pass (the job the timer runs: releases, overdue flags,
 *    missed tests, due count), timed by the job itself, then once more (nothing left: idempotence).
 * 4. Super-spreader: M (default 5,000) ContactIdentified of one F0 are published to contacts.v1; the
 *    clock runs from the first publish until the M-th QuarantineOrdered of them is read back from
 *    quarantine.v1 (the service's outbox relay published it, so it was committed).
 * Prints the figures and, last, one JSON line.
 */
import 'reflect-metadata';
import { createEvent, Topics } from '@ct/contracts';
import { EventPublisher, MessagingObserver, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { localDay } from '../../apps/quarantine/src/quarantines/domain/policy';
import { ReleasePassResult } from '../../apps/quarantine/src/quarantines/release-quarantines/release-quarantines.job';
import { benchMachine, benchOutput, intArg, runBench, withBenchStack } from '../support';

const { log, out } = benchOutput('bench');

const ACTIVE = intArg('active', 100_000);
const CONTACTS = intArg('contacts', 5_000);
const DB_URL =
  process.env.BENCH_QUARANTINE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_tracing_bench_quarantine';
const OFFSET = 420;
const FACILITIES = Array.from({ length: 20 }, (_, i) => ({
  id: `bench-f${i}`,
  name: `Facility ${i}`,
  areaCode: '49',
  capacity: 10_000,
}));

/** N active orders and their tests, set-based. k = i % 16 days since day 0. */
async function seed(pg: Client, today: string): Promise<void> {
  await pg.query(
    `INSERT INTO quarantine.quarantines (id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id,
       day_zero, starts_at, ends_at, test_days, status, ordered_at)
     SELECT gen_random_uuid(), 'bench-p-' || i, CASE WHEN i % 3 = 0 THEN 'HOME' ELSE 'CENTRALIZED' END,
            CASE WHEN i % 3 = 0 THEN NULL ELSE 'bench-f' || (i % 20) END, false, '49', 1, 'bench-src-' || (i % 2000), gen_random_uuid(),
            d, (d::timestamp AT TIME ZONE 'UTC') + interval '1 day', ((d + 14)::timestamp AT TIME ZONE 'UTC') - make_interval(mins => $3),
            '{1,7,14}', 'ACTIVE', (d::timestamp AT TIME ZONE 'UTC') + interval '1 day'
       FROM (SELECT i, $2::date - (i % 16) AS d FROM generate_series(1, $1::int) i) s`,
    [ACTIVE, today, OFFSET],
  );
  // Past tests: negative, except 5% missed (still scheduled). Exit tests of today and yesterday:
  // 80% negative, the rest not taken (today: wait; yesterday: overdue). Today's tests: scheduled.
  await pg.query(
    `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, day, status, result, test_type, sample_taken_at, recorded_at, scheduled_at)
     SELECT gen_random_uuid(), q.person_id, q.id, 'QUARANTINE', q.day_zero + t.day, t.day,
            CASE WHEN taken THEN 'RECORDED' ELSE 'SCHEDULED' END, CASE WHEN taken THEN 'NEGATIVE' END, CASE WHEN taken THEN 'PCR' END,
            CASE WHEN taken THEN ((q.day_zero + t.day)::timestamp AT TIME ZONE 'UTC') END, CASE WHEN taken THEN ((q.day_zero + t.day)::timestamp AT TIME ZONE 'UTC') END,
            q.ordered_at
       FROM quarantine.quarantines q
      CROSS JOIN LATERAL unnest(q.test_days) AS t(day)
      CROSS JOIN LATERAL (SELECT CASE
          WHEN q.day_zero + t.day > $1::date THEN false
          WHEN t.day = 14 THEN abs(hashtext(q.person_id)) % 5 <> 0
          WHEN q.day_zero + t.day = $1::date THEN false
          ELSE abs(hashtext(q.person_id || t.day)) % 20 <> 0 END AS taken) x`,
    [today],
  );
  await pg.query('ANALYZE quarantine.quarantines');
  await pg.query('ANALYZE quarantine.tests');
}

async function main(): Promise<void> {
  const machine = benchMachine();
  await withBenchStack(
    { databaseUrl: DB_URL, clientId: 'bench-quarantine', log, topics: { checkins: 6, default: 3 } },
    async (stack) => {
      const kafka = stack.kafka;
      const svc = await stack.service('quarantine', {
        QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
        QUARANTINE_FACILITIES: JSON.stringify(FACILITIES),
      });
      const admin = svc.issuer.mint({ subject: 'bench', roles: ['admin'] });
      const releasePass = () => svc.call<ReleasePassResult>('POST', '/quarantines/release-pass', admin);
      const pg = await stack.db();
      const today = localDay(new Date(), OFFSET);

      log(`seeding ${ACTIVE} active quarantines and their tests`);
      let t = Date.now();
      await seed(pg, today);
      const [{ q, tests }] = (
        await pg.query(
          `SELECT (SELECT count(*)::int FROM quarantine.quarantines) AS q, (SELECT count(*)::int FROM quarantine.tests) AS tests`,
        )
      ).rows;
      log(`  ${q} quarantines, ${tests} tests in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      log('daily pass');
      const pass = await releasePass();
      log(`  ${JSON.stringify(pass)}`);
      const again = await releasePass();
      log(`  again: ${JSON.stringify(again)}`);
      const [{ active }] = (
        await pg.query(`SELECT count(*)::int AS active FROM quarantine.quarantines WHERE status = 'ACTIVE'`)
      ).rows;

      // The pass's QuarantineEnded events leave through the outbox before the next measurement.
      for (let i = 0; ; i++) {
        const [{ n }] = (await pg.query('SELECT count(*)::int AS n FROM quarantine.outbox')).rows;
        if (n === 0) break;
        if (i > 600) throw new Error(`outbox still holds ${n} events`);
        await new Promise((r) => setTimeout(r, 100));
      }

      const tap = await TopicTap.open(kafka, [Topics.QUARANTINE], { fromBeginning: false });
      const publisher = new EventPublisher(kafka, new MessagingObserver());
      const caseId = randomUUID();
      const f0 = `bench-ss-f0-${caseId.slice(0, 8)}`;
      const now = Date.now();
      const contact = (personId: string) =>
        createEvent(
          'ContactIdentified',
          {
            contactId: randomUUID(),
            personId,
            sourcePersonId: f0,
            sourceCaseId: caseId,
            degree: 1,
            exposure: {
              kind: 'CO_LOCATION',
              venueId: 'bench-market',
              startedAt: new Date(now - 3 * 3600_000).toISOString(),
              endedAt: new Date(now - 2 * 3600_000).toISOString(),
            },
            lastExposureAt: new Date(now - 2 * 3600_000).toISOString(),
            identifiedAt: new Date(now).toISOString(),
          },
          { source: '/bench' },
        );
      const isOrdered = (prefix: string) => (m: TappedMessage) =>
        String(m.headers?.ce_type) === 'QuarantineOrdered' && String(m.key).startsWith(prefix);

      log('warm-up: one contact through the service (the consumer has joined when it comes back)');
      await publisher.publish([contact(`bench-warm-${caseId.slice(0, 8)}`)]);
      await tap.waitFor(isOrdered('bench-warm-'), 1, 60_000);

      const prefix = `bench-ss-${caseId.slice(0, 8)}-`;
      const events = Array.from({ length: CONTACTS }, (_, i) => contact(`${prefix}${i}`));
      log(`super-spreader: ${CONTACTS} ContactIdentified to contacts.v1`);
      t = Date.now();
      // In chunks: one produce request must stay under the broker's message.max.bytes.
      for (let i = 0; i < events.length; i += 500) await publisher.publish(events.slice(i, i + 500));
      const publishedMs = Date.now() - t;
      // Counted incrementally (TopicTap.waitFor re-filters every message on each arrival: quadratic at this volume).
      const orderedKeys = new Set<string>();
      let seen = 0;
      let spreaderMs: number;
      for (const deadline = Date.now() + 120_000; ;) {
        const msgs = tap.messages;
        for (; seen < msgs.length; seen++) if (isOrdered(prefix)(msgs[seen])) orderedKeys.add(String(msgs[seen].key));
        if (orderedKeys.size >= CONTACTS) {
          spreaderMs = Date.now() - t;
          break;
        }
        if (Date.now() > deadline)
          throw new Error(`only ${orderedKeys.size} of ${CONTACTS} QuarantineOrdered after 120 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
      const [{ n: stored }] = (
        await pg.query(`SELECT count(*)::int AS n FROM quarantine.quarantines WHERE person_id LIKE $1`, [`${prefix}%`])
      ).rows;
      const [{ n: scheduled }] = (
        await pg.query(`SELECT count(*)::int AS n FROM quarantine.tests WHERE person_id LIKE $1`, [`${prefix}%`])
      ).rows;
      if (stored !== CONTACTS || orderedKeys.size !== CONTACTS)
        throw new Error(`expected ${CONTACTS} orders, stored ${stored}`);

      await tap.close();
      await publisher.onApplicationShutdown();
      await stack.stopServices();

      out('');
      out(
        `machine                   ${machine.describe('broker, PostgreSQL, the service (own process) and the bench')}`,
      );
      out(`active quarantines        ${q} seeded (${tests} tests)`);
      out(
        `daily pass                ${(pass.ms / 1000).toFixed(2)} s: released ${pass.released}, newly overdue ${pass.flaggedOverdue}, missed tests marked ${pass.markedMissed}, tests due today ${pass.dueToday} (target <= 10 s: ${pass.ms <= 10_000 ? 'met' : 'NOT met'})`,
      );
      out(
        `second pass               ${(again.ms / 1000).toFixed(2)} s: released ${again.released} (idempotent); ${active} still active`,
      );
      out(
        `super-spreader            ${CONTACTS} contacts → ${CONTACTS} QuarantineOrdered on quarantine.v1 in ${(spreaderMs / 1000).toFixed(2)} s from the first publish (publishing took ${(publishedMs / 1000).toFixed(2)} s; ${scheduled} tests scheduled) (target <= 5 s: ${spreaderMs <= 5000 ? 'met' : 'NOT met'})`,
      );
      out(
        JSON.stringify({
          bench: 'quarantine',
          ...machine.json,
          activeQuarantines: q,
          tests,
          dailyPassSeconds: Number((pass.ms / 1000).toFixed(3)),
          released: pass.released,
          flaggedOverdue: pass.flaggedOverdue,
          markedMissed: pass.markedMissed,
          dueToday: pass.dueToday,
          secondPassSeconds: Number((again.ms / 1000).toFixed(3)),
          superSpreaderContacts: CONTACTS,
          superSpreaderSeconds: Number((spreaderMs / 1000).toFixed(3)),
          testsScheduled: scheduled,
        }),
      );
    },
  );
}

runBench('bench:quarantine', main);
