import { Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { referenceTrace } from '../../apps/tracing/src/contacts/domain/reference';
import { DEFAULT_POLICY } from '../../apps/tracing/src/contacts/domain/tracing-policy';
import { TracingService } from '../../apps/tracing/src/service';
import { CsvRow } from '../../tools/feed/csv';
import { publishRows } from '../../tools/feed/replay';
import { staysOfFeed, taggedFeed } from '../support/feed';
import { db, eventually, http, startService, tap, TestService } from '../support/services';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The "done when": check-ins replayed the way the feed CLI does (simulated population,
 * derived checkInIds, checkins.v1) land in the visit store; cases confirmed through the cases API
 * reach tracing over cases.v1; the F1/F2 stored and published equal the brute-force reference's.
 */
describe('feed → visit store, cases API → tracing: F1/F2 equal the brute-force reference', () => {
  let tracing: TestService;
  let cases: TestService;
  let pg: Client;
  let topics: TopicTap;
  const tag = `fe-${randomUUID().slice(0, 8)}`;
  // Three simulated days that end before today (UTC) begins: a check-out after "now" is refused, so
  // starting 3 days back failed in the first hours after midnight, when the last day was not over yet.
  const start = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
  let rows: CsvRow[];

  beforeAll(async () => {
    topics = await tap([Topics.CONTACTS]);
    [tracing, cases] = await Promise.all([
      startService(TracingService, { RETENTION_INTERVAL_MINUTES: '0' }),
      startService(CasesService),
    ]);
    pg = await db();
    // Ids prefixed so that other test files' simulated venues (same names) never co-locate with these.
    rows = taggedFeed(tag, start);
    const publisher = tracing.app.get(EventPublisher);
    await publishRows(rows, 'e2e-feed', { publish: (events) => publisher.publish(events), batchSize: 500 });
    const expected = staysOfFeed(rows).length;
    await eventually(
      `${expected} stays in the visit store`,
      async () =>
        Number(
          (await pg.query('SELECT count(*)::int AS n FROM tracing.visits WHERE person_id LIKE $1', [`${tag}-%`]))
            .rows[0].n,
        ) === expected,
      60_000,
    );
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), cases?.close(), topics?.close(), pg?.end()]);
  });

  it('confirms three cases through the API and finds exactly the reference F1 and F2, published on contacts.v1', async () => {
    const stays = staysOfFeed(rows);
    const people = [...new Set(stays.map((s) => s.personId))].sort();
    const f0s = [people[3], people[40], people[77]];
    let total = 0;
    for (const personId of f0s) {
      const confirmedAt = start + 2 * DAY + 12 * 3_600_000;
      const res = await http(cases.url, 'POST', '/cases', {
        role: 'tracer',
        body: {
          personId,
          confirmedAt: iso(confirmedAt),
          symptomOnsetAt: iso(confirmedAt - DAY),
          testType: 'PCR',
          areaCode: '49',
        },
      });
      expect(res.status).toBe(201);
      const caseId: string = res.body.caseId;
      await eventually(
        `case ${caseId} traced`,
        async () =>
          (
            await pg.query('SELECT 1 FROM tracing.traced_cases WHERE case_id = $1 AND f2_expanded_at IS NOT NULL', [
              caseId,
            ])
          ).rows[0],
      );
      const stored = (await pg.query('SELECT * FROM tracing.contacts WHERE source_case_id = $1', [caseId])).rows;
      const identifiedAt = stored.length ? new Date(stored[0].identified_at).getTime() : Date.now();
      const ref = referenceTrace(
        stays,
        { caseId, personId, confirmedAt, symptomOnsetAt: confirmedAt - DAY, sampleTakenAt: null },
        [],
        identifiedAt,
        DEFAULT_POLICY,
      );
      const key = (degree: number, source: string, person: string, last: number) =>
        `${degree} ${source} ${person} ${iso(last)}`;
      expect(
        stored.map((r) => key(r.degree, r.source_person_id, r.person_id, +new Date(r.last_exposure_at))).sort(),
      ).toEqual(
        [...ref.f1, ...ref.f2].map((f) => key(f.degree, f.sourcePersonId, f.personId, f.lastExposureAt)).sort(),
      );
      const published = await topics.waitFor(
        // Its exposure alerts (visitors who came after the case left) are on contacts.v1 too.
        (m) =>
          String(m.headers?.ce_type) === 'ContactIdentified' && JSON.parse(m.value!.toString()).sourceCaseId === caseId,
        stored.length,
      );
      expect(published).toHaveLength(stored.length);
      total += ref.f1.length;
    }
    // The simulated households, schools and workplaces make contacts: the comparison is not vacuous.
    expect(total).toBeGreaterThan(0);
  });
});
