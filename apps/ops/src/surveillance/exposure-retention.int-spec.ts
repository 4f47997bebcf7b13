import { ControllableClock } from '@ct/platform/testing';
import { ServiceClock } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, http, startService, TestService } from '../../../../test/support/services';
import { OpsService } from '../service';
import { ExposureRetentionJob } from './exposure-retention.job';

const AREA = '20557'; // Phường Vĩnh Điện
const NOW = new Date('2022-06-30T05:00:00Z');

/**
 * Exposures read from contacts.v1 are derived from check-ins: they follow the 21-day rule. The
 * weekly report of an older week still counts its new clusters and exposure sites from what is kept
 * (case links, first site days), with no person, venue time or stay left.
 */
describe('exposure retention (ops)', () => {
  let ops: TestService;
  let pg: Client;
  beforeAll(async () => {
    ops = await startService(OpsService, {
      OPS_EXPOSURE_RETENTION_DAYS: '21',
      OPS_DLQ_RETENTION_INTERVAL_MINUTES: '0',
    });
    ops.app.get(ServiceClock).use(new ControllableClock(NOW));
    pg = await db();
  });
  afterAll(async () => {
    await Promise.all([ops?.close(), pg?.end()]);
  });

  const run = randomUUID().slice(0, 8);
  const caseRow = async (person: string, confirmedAt: string) => {
    const caseId = randomUUID();
    await pg.query(
      `INSERT INTO ops.case_counts (case_id, area_code, week_start, community, confirmed_at, person_id)
       VALUES ($1, $2, date_trunc('week', $3::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, true, $3, $4)`,
      [caseId, AREA, confirmedAt, `p-${run}-${person}`],
    );
    return caseId;
  };
  const exposure = (person: string, sourceCaseId: string, venueId: string | null, at: string) =>
    pg.query(
      `INSERT INTO ops.exposures (contact_id, person_id, source_case_id, venue_id, exposure_started_at, identified_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [randomUUID(), `p-${run}-${person}`, sourceCaseId, venueId, at],
    );
  const mine = async () =>
    (await pg.query('SELECT venue_id FROM ops.exposures WHERE person_id LIKE $1', [`p-${run}-%`])).rows.map(
      (r) => r.venue_id,
    );

  it('removes exposures older than the retention and keeps what the weekly report needs without them', async () => {
    // Week of 2022-05-16 (45 days before NOW): a cluster of two through the market, all to be purged.
    const a = await caseRow('a', '2022-05-16T03:00:00Z');
    const b = await caseRow('b', '2022-05-19T03:00:00Z');
    await exposure('b', a, `v-market-${run}`, '2022-05-17T03:00:00Z');
    // Recent (10 days ago): stays.
    const c = await caseRow('c', '2022-06-20T03:00:00Z');
    await exposure('d', c, `v-shop-${run}`, '2022-06-20T03:00:00Z');
    const page = async () =>
      (await http(ops.url, 'GET', `/reports/weekly.html?area=${AREA}&week=2022-05-18`, { role: 'ops' })).body as string;
    const before = await page();
    expect(before).toContain('Ổ dịch mới trong tuần: 1');
    expect(before).toContain(`v-market-${run} (từ ngày 17/05/2022)`);

    const pass = await ops.app.get(ExposureRetentionJob).pass();
    expect(pass.horizon).toBe('2022-06-09T05:00:00.000Z');
    expect(pass.purged).toBeGreaterThanOrEqual(1);
    expect(await mine()).toEqual([`v-shop-${run}`]);
    expect(
      (await pg.query('SELECT 1 FROM ops.case_links WHERE source_case_id = $1 AND case_id = $2', [a, b])).rowCount,
    ).toBe(1);
    expect(
      (
        await pg.query('SELECT first_day::text AS d FROM ops.exposure_site_days WHERE venue_id = $1', [
          `v-market-${run}`,
        ])
      ).rows,
    ).toEqual([{ d: '2022-05-17' }]);

    // The old week's report says the same; the site's first day is kept, not its time.
    const after = await page();
    expect(after).toContain('Ổ dịch mới trong tuần: 1');
    expect(after).toContain(`v-market-${run} (từ ngày 17/05/2022)`);
    expect((await ops.app.get(ExposureRetentionJob).pass()).purged).toBe(0);
  });
});
