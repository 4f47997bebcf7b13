import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, startService, TestService } from '../../../../../test/support/services';
import { TracingService } from '../../service';
import { RetraceJob } from './retrace.job';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A retrace that fails (here: a case whose withdrawn contact makes an event the contract refuses)
 * is put back for later and the queue goes on: requests behind it are still retraced.
 */
describe('retrace queue: one failing case never holds up the others', () => {
  let tracing: TestService;
  let pg: Client;
  const tag = `rq-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // The job runs only by hand here (drain), so the test decides when.
    tracing = await startService(TracingService, {
      RETENTION_INTERVAL_MINUTES: '0',
      TRACING_RETRACE_INTERVAL_SECONDS: '0',
      TRACING_RESUME_INTERVAL_SECONDS: '0',
    });
    pg = await db();
  });

  afterAll(async () => {
    for (const [table, column] of [
      ['retrace_requests', 'case_id'],
      ['contacts', 'source_case_id'],
      ['traced_cases', 'case_id'],
    ])
      await pg?.query(`DELETE FROM tracing.${table} WHERE ${column} LIKE $1 OR ${column} = ANY($2)`, [
        `${tag}%`,
        cases,
      ]);
    await pg?.end();
    await tracing?.close();
  });

  const cases: string[] = [];

  /** A traced, expanded case with one stored contact nobody's stays support (a retrace withdraws it), and a request. */
  async function tracedCaseWithRequest(caseId: string, requestedAt: number): Promise<void> {
    cases.push(caseId);
    const end = Date.now() - DAY;
    await pg.query(
      `INSERT INTO tracing.traced_cases (case_id, person_id, confirmed_at, origin, area_code, traced_at, f2_expanded_at,
         window_start, window_end)
       VALUES ($1, $2, $3, 'COMMUNITY', '49', $3, $3, $4, $3)`,
      [caseId, `${tag}-f0-${cases.length}`, iso(end), iso(end - 3 * DAY)],
    );
    await pg.query(
      `INSERT INTO tracing.contacts (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id,
         started_at, ended_at, first_exposure_at, last_exposure_at, identified_at)
       VALUES ($1, $2, $3, $4, 1, 'CO_LOCATION', $5, $6, $7, $6, $7, $7)`,
      [
        randomUUID(),
        caseId,
        `${tag}-f0-${cases.length}`,
        `${tag}-c-${cases.length}`,
        `${tag}-v`,
        iso(end - DAY),
        iso(end),
      ],
    );
    await pg.query(
      `INSERT INTO tracing.retrace_requests (case_id, requested_seq, reason, requested_at) VALUES ($1, 1, 'test', $2)`,
      [caseId, iso(requestedAt)],
    );
  }

  it('retraces the requests behind a failing one and postpones the failing one', async () => {
    const broken = `${tag}-not-a-uuid`; // its ContactWithdrawn cannot be built: sourceCaseId must be a UUID
    const good = randomUUID();
    await tracedCaseWithRequest(broken, Date.now() - 60_000); // the oldest request: leased first
    await tracedCaseWithRequest(good, Date.now());

    const retraced = await tracing.app.get(RetraceJob).drain();

    expect(retraced).toBe(1);
    const requests = await pg.query(
      `SELECT case_id, leased_until > now() + interval '20 seconds' AS postponed
       FROM tracing.retrace_requests WHERE case_id = ANY($1) ORDER BY case_id`,
      [[broken, good]],
    );
    expect(requests.rows).toEqual([{ case_id: broken, postponed: true }]);
    const contacts = await pg.query(
      'SELECT source_case_id FROM tracing.contacts WHERE source_case_id = ANY($1) ORDER BY source_case_id',
      [[broken, good]],
    );
    // The good case's unsupported contact was withdrawn; the broken case's transaction rolled back.
    expect(contacts.rows).toEqual([{ source_case_id: broken }]);
  });
});
