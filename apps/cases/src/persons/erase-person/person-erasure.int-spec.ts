import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, http, startService, TestService } from '../../../../../test/support/services';
import { CasesService } from '../../service';

/** Erasure of identity data on the real database: the rule, the admin route, the pass and the audit. */
describe('person erasure (cases)', () => {
  let cases: TestService;
  let pg: Client;
  const digits = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const tracer = (method: string, path: string, body?: unknown) =>
    http(cases.url, method, path, { role: 'tracer', body });
  const admin = (method: string, path: string, body?: unknown) =>
    http(cases.url, method, path, { role: 'admin', body });

  /** A registered person with a closed case, everything (record, case closing) `daysAgo` days back. */
  async function personInactiveFor(daysAgo: number): Promise<{ personId: string; phone: string; caseId: string }> {
    const phone = `09${digits()}`;
    const p = await tracer('POST', '/persons', {
      fullName: 'Erasure Test',
      phone,
      nationalId: `E${digits()}`,
      address: '1 Phan Chu Trinh',
      dateOfBirth: '1980-01-02',
      areaCode: '49',
    });
    expect(p.status).toBe(201);
    const c = await tracer('POST', '/cases', {
      personId: p.body.personId,
      confirmedAt: '2021-11-20T08:00:00Z',
      testType: 'PCR',
    });
    expect(c.status).toBe(201);
    expect(
      (await tracer('PATCH', `/cases/${c.body.caseId}/investigation`, { notes: 'went to the market on Monday' }))
        .status,
    ).toBe(200);
    expect(
      (
        await tracer('POST', `/cases/${c.body.caseId}/close`, {
          outcome: 'recovered',
          closedAt: '2021-12-01T08:00:00Z',
        })
      ).status,
    ).toBe(200);
    const at = new Date(Date.now() - daysAgo * 86_400_000);
    await pg.query('UPDATE cases.cases SET closed_at = $2 WHERE id = $1', [c.body.caseId, at]);
    await pg.query('UPDATE cases.persons SET updated_at = $2, created_at = $2 WHERE person_id = $1', [
      p.body.personId,
      at,
    ]);
    return { personId: p.body.personId, phone, caseId: c.body.caseId };
  }

  beforeAll(async () => {
    cases = await startService(CasesService, { PERSON_ERASURE_AFTER_DAYS: '30', PERSON_ERASURE_INTERVAL_MINUTES: '0' });
    pg = await db();
  });
  afterAll(async () => {
    await Promise.all([cases?.close(), pg?.end()]);
  });

  it('erases the identity fields and investigation notes of a person inactive for the period, keeps the pseudonymous record, and audits it', async () => {
    const { personId, phone, caseId } = await personInactiveFor(40);
    expect((await tracer('POST', `/persons/${personId}/erase`)).status).toBe(403);
    const res = await admin('POST', `/persons/${personId}/erase`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ personId, erasedAt: expect.any(String) });

    const got = await tracer('GET', `/persons/${personId}`);
    expect(got.body).toMatchObject({
      personId,
      fullName: null,
      phone: null,
      nationalId: null,
      dateOfBirth: null,
      address: null,
      areaCode: '49',
      erasedAt: res.body.erasedAt,
    });
    expect((await tracer('GET', `/cases/${caseId}`)).body).toMatchObject({ personId, status: 'CLOSED' });
    expect((await tracer('GET', `/cases/${caseId}/investigation`)).body.notes).toBeNull();
    const audit = await pg.query(
      "SELECT subject, fields FROM cases.audit_log WHERE person_id = $1 AND action = 'ERASE'",
      [personId],
    );
    expect(audit.rows).toEqual([
      {
        subject: 'test-admin',
        fields: ['fullName', 'phone', 'nationalId', 'dateOfBirth', 'address', 'email', 'investigation.notes'],
      },
    ]);

    // Again: nothing more happens; the erased person cannot be changed; the phone number is free again.
    expect((await admin('POST', `/persons/${personId}/erase`)).body.erasedAt).toBe(res.body.erasedAt);
    expect((await tracer('PATCH', `/persons/${personId}`, { fullName: 'Back' })).body.code).toBe('PERSON.ERASED');
    expect((await tracer('POST', '/persons', { fullName: 'Someone else', phone, areaCode: '49' })).status).toBe(201);
  });

  it('refuses (409, with the reason) a person with an open case, a quarantine not ended, or activity within the period; 404 for nobody', async () => {
    const recent = await personInactiveFor(10);
    const r1 = await admin('POST', `/persons/${recent.personId}/erase`);
    expect(r1.status).toBe(409);
    expect(r1.body).toMatchObject({ code: 'PERSON.NOT_ERASABLE', message: expect.stringMatching(/less than 30 days/) });

    const quarantined = await personInactiveFor(40);
    await pg.query(
      `INSERT INTO cases.status_quarantines (quarantine_id, person_id, kind, degree, day_zero, starts_at, ends_at, ordered_at)
       VALUES ($1, $2, 'HOME', 1, '2021-11-20', now() - interval '50 days', now() - interval '36 days', now() - interval '50 days')`,
      [randomUUID(), quarantined.personId],
    );
    const r2 = await admin('POST', `/persons/${quarantined.personId}/erase`);
    expect(r2.status).toBe(409);
    expect(r2.body.message).toMatch(/quarantine that has not ended/);

    const p = await tracer('POST', '/persons', { fullName: 'Open Case', areaCode: '49' });
    await tracer('POST', '/cases', { personId: p.body.personId, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR' });
    await pg.query("UPDATE cases.persons SET updated_at = now() - interval '40 days' WHERE person_id = $1", [
      p.body.personId,
    ]);
    expect((await admin('POST', `/persons/${p.body.personId}/erase`)).body.message).toMatch(/open case/);

    expect((await admin('POST', `/persons/nobody-${randomUUID()}/erase`)).status).toBe(404);
    const still = await pg.query(
      'SELECT count(*)::int AS n FROM cases.persons WHERE person_id = ANY($1) AND full_name IS NOT NULL',
      [[recent.personId, quarantined.personId, p.body.personId]],
    );
    expect(still.rows[0].n).toBe(3);
  });

  it('the pass erases every person inactive for the period and no one else, audited as the erasure job', async () => {
    const old = [await personInactiveFor(45), await personInactiveFor(31)];
    const recent = await personInactiveFor(29);
    const result = await admin('POST', '/persons/erasure-pass');
    expect(result.status).toBe(200);
    expect(result.body.erased).toBeGreaterThanOrEqual(2);
    const rows = await pg.query(
      'SELECT person_id, erased_at IS NOT NULL AS erased, full_name FROM cases.persons WHERE person_id = ANY($1)',
      [[...old, recent].map((p) => p.personId)],
    );
    const byId = Object.fromEntries(rows.rows.map((r) => [r.person_id, r]));
    for (const p of old) expect(byId[p.personId]).toMatchObject({ erased: true, full_name: null });
    expect(byId[recent.personId]).toMatchObject({ erased: false, full_name: 'Erasure Test' });
    const audit = await pg.query(
      "SELECT DISTINCT subject FROM cases.audit_log WHERE action = 'ERASE' AND person_id = ANY($1)",
      [old.map((p) => p.personId)],
    );
    expect(audit.rows).toEqual([{ subject: 'system:person-erasure' }]);
    expect((await admin('POST', '/persons/erasure-pass')).body.erased).toBe(0);
  });
});
