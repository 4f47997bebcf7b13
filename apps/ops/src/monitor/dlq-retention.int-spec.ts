import { Client } from 'pg';
import { db, http, startService, TestService } from '../../../../test/support/services';
import { OpsService } from '../service';

/** Dead-letter payloads (a dead-lettered check-in is personal data) follow the 21-day rule. */
describe('dead-letter payload retention (ops)', () => {
  let ops: TestService;
  let pg: Client;
  beforeAll(async () => {
    ops = await startService(OpsService, {
      OPS_DLQ_PAYLOAD_RETENTION_DAYS: '21',
      OPS_DLQ_RETENTION_INTERVAL_MINUTES: '0',
    });
    pg = await db();
  });
  afterAll(async () => {
    await Promise.all([ops?.close(), pg?.end()]);
  });

  const deadLetter = async (daysAgo: number): Promise<string> => {
    const offset = 1e12 + Math.floor(Math.random() * 1e9);
    const { rows } = await pg.query(
      `INSERT INTO ops.dlq_entries (dlq_topic, dlq_partition, dlq_offset, original_topic, reason, headers, value, message_key, dead_lettered_at)
       VALUES ('checkins.v1.dlq', 0, $1, 'checkins.v1', 'invalid CheckInRecorded payload', '{}'::jsonb, $2, 'pc-retention', now() - make_interval(days => $3))
       RETURNING id::text`,
      [offset, JSON.stringify({ personId: 'pc-retention', venueId: 'v-1', checkedInAt: 'not a time' }), daysAgo],
    );
    return rows[0].id;
  };

  it('removes value and key of dead letters older than the retention, keeps the record, and refuses to replay them', async () => {
    const old = await deadLetter(22);
    const recent = await deadLetter(20);
    expect((await http(ops.url, 'POST', '/ops/dlq/retention-pass', { role: 'ops' })).status).toBe(403);
    const pass = await http(ops.url, 'POST', '/ops/dlq/retention-pass', { role: 'admin' });
    expect(pass.status).toBe(200);
    expect(pass.body.purged).toBeGreaterThanOrEqual(1);

    const gone = await http(ops.url, 'GET', `/ops/dlq/${old}`, { role: 'ops' });
    expect(gone.body).toMatchObject({
      id: old,
      value: null,
      key: null,
      reason: 'invalid CheckInRecorded payload',
      payloadPurgedAt: expect.any(String),
    });
    const kept = await http(ops.url, 'GET', `/ops/dlq/${recent}`, { role: 'ops' });
    expect(kept.body).toMatchObject({ id: recent, key: 'pc-retention', payloadPurgedAt: null });
    expect(kept.body.value).toContain('v-1');

    const replay = await http(ops.url, 'POST', `/ops/dlq/${old}/replay`, { role: 'ops' });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('dlq_payload_purged');
    expect((await http(ops.url, 'POST', '/ops/dlq/retention-pass', { role: 'admin' })).body.purged).toBe(0);
  });
});
