import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, http, startService, TestService, tokenFor } from '../../../../test/support/services';
import { CasesService } from '../service';

/**
 * What reveals identity data without reading a person: a 409 naming the existing person, and an
 * investigation's notes. Each is in cases.audit_log with the caller's token subject.
 */
describe('audit without gaps (cases)', () => {
  let cases: TestService;
  let pg: Client;
  const run = randomUUID().slice(0, 8);
  const digits = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const as = (subject: string) => (method: string, path: string, body?: unknown) =>
    http(cases.url, method, path, { token: tokenFor('tracer', subject), body });
  const auditOf = async (personId: string, subject: string) =>
    (
      await pg.query('SELECT action, fields FROM cases.audit_log WHERE person_id = $1 AND subject = $2 ORDER BY id', [
        personId,
        subject,
      ])
    ).rows;

  beforeAll(async () => {
    cases = await startService(CasesService);
    pg = await db();
  });
  afterAll(async () => {
    await Promise.all([cases?.close(), pg?.end()]);
  });

  it('audits a 409 that reveals an existing person as a LOOKUP by the matching fields', async () => {
    const owner = as(`owner-${run}`);
    const prober = `prober-${run}`;
    const probe = as(prober);
    const phone = `09${digits()}`;
    const nationalId = `0${digits()}${digits().slice(0, 3)}`;
    const first = await owner('POST', '/persons', { fullName: 'Audit A', phone, nationalId, areaCode: '49' });
    expect(first.status).toBe(201);
    const existing = first.body.personId as string;

    expect((await probe('POST', '/persons', { fullName: 'Audit B', phone, areaCode: '49' })).status).toBe(409);
    expect((await probe('POST', '/persons', { personId: existing, fullName: 'Audit C', areaCode: '49' })).status).toBe(
      409,
    );
    const other = await probe('POST', '/persons', { fullName: 'Audit D', areaCode: '49' });
    expect((await probe('PATCH', `/persons/${other.body.personId}`, { nationalId })).status).toBe(409);

    expect(await auditOf(existing, prober)).toEqual([
      { action: 'LOOKUP', fields: ['phone'] },
      { action: 'LOOKUP', fields: ['personId'] },
      { action: 'LOOKUP', fields: ['nationalId'] },
    ]);
    // The refused registrations themselves left nothing behind.
    const stored = await pg.query('SELECT count(*)::int AS n FROM cases.persons WHERE phone = $1 OR national_id = $2', [
      `+84${phone.slice(1)}`,
      nationalId,
    ]);
    expect(stored.rows[0].n).toBe(1);
  });

  it("audits every read and write of a case's investigation (notes included) against the case's person", async () => {
    const reader = `investigator-${run}`;
    const tracer = as(reader);
    const person = await tracer('POST', '/persons', { fullName: 'Audit E', areaCode: '49' });
    const c = await tracer('POST', '/cases', {
      personId: person.body.personId,
      confirmedAt: '2021-11-20T08:00:00Z',
      testType: 'PCR',
    });
    expect(c.status).toBe(201);
    const before = (await auditOf(person.body.personId, reader)).length;

    expect((await tracer('GET', `/cases/${c.body.caseId}/investigation`)).status).toBe(200);
    expect(
      (
        await tracer('PATCH', `/cases/${c.body.caseId}/investigation`, {
          notes: 'interviewed at home',
          assignedTeam: 'team 3',
        })
      ).status,
    ).toBe(200);
    expect((await tracer('PATCH', `/cases/${c.body.caseId}/investigation`, { notes: 'x'.repeat(20001) })).status).toBe(
      400,
    );

    expect((await auditOf(person.body.personId, reader)).slice(before)).toEqual([
      { action: 'READ', fields: ['investigation.status', 'investigation.assignedTeam', 'investigation.notes'] },
      { action: 'UPDATE', fields: ['investigation.assignedTeam', 'investigation.notes'] },
    ]);
  });
});
