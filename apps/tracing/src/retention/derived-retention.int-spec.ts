import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { db, http, startService, TestService } from '../../../../test/support/services';
import { TracingService } from '../service';
import { PurgeExpiredVisitsJob } from '../visits/purge-expired-visits/purge-expired-visits.job';
import { PurgeDerivedDataJob } from './purge-derived-data/purge-derived-data.job';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('retention of what tracing derives from check-ins (contacts, exposure sites, late-data rows)', () => {
  let tracing: TestService;
  let pg: Client;
  let job: PurgeDerivedDataJob;

  beforeAll(async () => {
    // No background job touches the rows this test writes: retention, retraces and F2 resumption run by hand.
    tracing = await startService(TracingService, {
      RETENTION_INTERVAL_MINUTES: '0',
      TRACING_RETRACE_INTERVAL_SECONDS: '0',
      TRACING_RESUME_INTERVAL_SECONDS: '0',
    });
    pg = await db();
    job = tracing.app.get(PurgeDerivedDataJob);
  });

  afterAll(async () => {
    await pg?.end();
    await tracing?.close();
  });

  /** A traced case whose window ended at `windowEnd`, with contacts whose last exposures are `exposures`. */
  async function tracedCase(
    tag: string,
    name: string,
    windowEnd: number,
    exposures: number[],
    opts: { expanded?: boolean } = {},
  ): Promise<string> {
    const caseId = `${tag}-${name}`;
    await pg.query(
      `INSERT INTO tracing.traced_cases (case_id, person_id, confirmed_at, origin, area_code, traced_at, f2_expanded_at,
         window_start, window_end, f2_lease_owner, f2_lease_until)
       VALUES ($1, $2, $3, 'COMMUNITY', '49', $3, $4, $5, $3, $6, $7)`,
      [
        caseId,
        `${caseId}-f0`,
        iso(windowEnd),
        opts.expanded === false ? null : iso(windowEnd),
        iso(windowEnd - 3 * DAY),
        opts.expanded === false ? 'another-instance' : null,
        opts.expanded === false ? iso(Date.now() + 3600_000) : null,
      ],
    );
    for (const [i, last] of exposures.entries()) {
      await pg.query(
        `INSERT INTO tracing.contacts (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id,
           started_at, ended_at, first_exposure_at, last_exposure_at, identified_at)
         VALUES ($1, $2, $3, $4, 1, 'CO_LOCATION', $5, $6, $7, $6, $7, $8)`,
        [
          randomUUID(),
          caseId,
          `${caseId}-f0`,
          `${caseId}-c${i}`,
          `${tag}-venue`,
          iso(last - 3600_000),
          iso(last),
          iso(windowEnd),
        ],
      );
    }
    await pg.query(
      `INSERT INTO tracing.exposure_sites (case_id, venue_id, started_at, ended_at) VALUES ($1, $2, $3, $4)`,
      [caseId, `${tag}-venue`, iso(windowEnd - 2 * 3600_000), iso(windowEnd - 3600_000)],
    );
    return caseId;
  }

  const contactsOf = async (caseId: string) =>
    Number((await pg.query('SELECT count(*) FROM tracing.contacts WHERE source_case_id = $1', [caseId])).rows[0].count);
  const sitesOf = async (caseId: string) =>
    Number((await pg.query('SELECT count(*) FROM tracing.exposure_sites WHERE case_id = $1', [caseId])).rows[0].count);

  it('purges contacts of cases done with and exposure sites past the horizon; recent and pending ones stay', async () => {
    const tag = `ret-${randomUUID().slice(0, 8)}`;
    const h = (await job.horizon()).getTime();
    const old = await tracedCase(tag, 'old', h - 10 * DAY, [h - 9 * DAY, h - 8 * DAY]);
    const recent = await tracedCase(tag, 'recent', h + 2 * DAY, [h + 3 * DAY]);
    const oneRecentContact = await tracedCase(tag, 'mixed', h - 10 * DAY, [h - 9 * DAY, h + DAY]);
    const pendingRetrace = await tracedCase(tag, 'retrace', h - 10 * DAY, [h - 9 * DAY]);
    const tracingNow = await tracedCase(tag, 'intent', h - 10 * DAY, [h - 9 * DAY]);
    const f2Running = await tracedCase(tag, 'f2', h - 10 * DAY, [h - 9 * DAY], { expanded: false });
    await pg.query(`INSERT INTO tracing.retrace_requests (case_id, requested_seq, reason) VALUES ($1, 1, 'test')`, [
      pendingRetrace,
    ]);
    const intent = `INSERT INTO tracing.trace_intents (case_id, person_id, window_start, window_end, since)
                    VALUES ($1, 'p', $2, $2, $3) RETURNING intent_id`;
    const fresh = (await pg.query(intent, [tracingNow, iso(h), iso(Date.now())])).rows[0].intent_id;
    const stale = (await pg.query(intent, [`${tag}-gone`, iso(h), iso(h - DAY)])).rows[0].intent_id;
    const staleRequest = `${tag}-stale-request`;
    await pg.query(
      `INSERT INTO tracing.retrace_requests (case_id, requested_seq, reason, requested_at) VALUES ($1, 1, 'test', $2)`,
      [staleRequest, iso(h - DAY)],
    );

    const result = await job.run();
    expect(result).not.toBeNull();
    expect(Date.parse(result!.horizon)).toBeGreaterThanOrEqual(h);
    expect(result!.contacts).toBeGreaterThanOrEqual(2);

    // A case done with loses every contact and its expired sites.
    expect(await contactsOf(old)).toBe(0);
    expect(await sitesOf(old)).toBe(0);
    // Recent cases keep everything; a case with one recent contact keeps all of them (never half a case).
    expect(await contactsOf(recent)).toBe(1);
    expect(await sitesOf(recent)).toBe(1);
    expect(await contactsOf(oneRecentContact)).toBe(2);
    // Cases still being traced keep their contacts (a retrace asked for, a tracing in progress, an F2 stage running).
    expect(await contactsOf(pendingRetrace)).toBe(1);
    expect(await contactsOf(tracingNow)).toBe(1);
    expect(await contactsOf(f2Running)).toBe(1);
    // Exposure sites go by their own end, whatever the case's state: no admissible stay can overlap them.
    expect(await sitesOf(pendingRetrace)).toBe(0);
    expect(await sitesOf(oneRecentContact)).toBe(0);
    // Late-data rows older than the horizon go; current ones stay.
    const intents = await pg.query('SELECT intent_id FROM tracing.trace_intents WHERE intent_id = ANY($1::bigint[])', [
      [fresh, stale],
    ]);
    expect(intents.rows.map((r) => r.intent_id)).toEqual([fresh]);
    const requests = await pg.query('SELECT case_id FROM tracing.retrace_requests WHERE case_id = ANY($1)', [
      [pendingRetrace, staleRequest],
    ]);
    expect(requests.rows.map((r) => r.case_id)).toEqual([pendingRetrace]);

    // The run is recorded and counted, and its log line has counts only, no ids.
    const run = (await pg.query('SELECT * FROM tracing.derived_retention_runs ORDER BY id DESC LIMIT 1')).rows[0];
    expect([Number(run.contacts), Number(run.exposure_sites), Number(run.cases)]).toEqual([
      result!.contacts,
      result!.exposureSites,
      result!.cases,
    ]);
    const logged = readFileSync(tracing.logFile, 'utf8');
    expect(logged).toMatch(/derived-data retention before \S+: \d+ contacts of \d+ cases, \d+ exposure sites/);
    expect(logged).not.toContain(tag);
    const metrics = await http(tracing.url, 'GET', '/metrics', { role: 'ops' });
    expect(String(metrics.body)).toMatch(/tracing_retention_purged_rows_total\{[^}]*table="contacts"[^}]*\} [1-9]/);

    // Once the retrace is done, the case goes at the next run; a second instance skips while one runs.
    await pg.query('DELETE FROM tracing.retrace_requests WHERE case_id = $1', [pendingRetrace]);
    expect((await job.run())!.cases).toBeGreaterThanOrEqual(1);
    expect(await contactsOf(pendingRetrace)).toBe(0);
    const other = await db();
    await other.query("SELECT pg_advisory_lock(hashtext('tracing:derived-retention'))");
    expect(await job.run()).toBeNull();
    await other.end();
  });

  it('never purges before the visit store has dropped the stays the rows came from', async () => {
    const tag = `ret-${randomUUID().slice(0, 8)}`;
    const day = (ago: number) => new Date(Date.now() - ago * DAY).toISOString().slice(0, 10);
    const retention = 21;
    // A day partition older than the retention is still there (the visit retention has not run yet).
    await pg.query('SELECT tracing.ensure_visit_partitions($1::date, $1::date)', [day(retention + 10)]);
    const held = (await job.horizon()).getTime();
    expect(held).toBeLessThanOrEqual(Date.parse(`${day(retention + 10)}T00:00:00Z`));
    const caseId = await tracedCase(tag, 'held', held + DAY, [held + 2 * DAY]);
    await job.run();
    expect(await contactsOf(caseId)).toBe(1);

    // Once the visit retention has dropped the old days, the horizon moves and the case goes.
    await tracing.app.get(PurgeExpiredVisitsJob).run();
    expect((await job.horizon()).getTime()).toBeGreaterThan(held + 3 * DAY);
    await job.run();
    expect(await contactsOf(caseId)).toBe(0);
  });
});
