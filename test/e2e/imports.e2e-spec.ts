import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { TEST_LOG_DIR } from '../support/env';
import { recordIdentities } from '../support/identities';
import { db, eventually, http, startService, TestService, tokenFor } from '../support/services';

/**
 * Issue 19 item 5 through the real cases service: a dry run reports every bad line (line and field,
 * duplicates as POST /persons finds them) and writes nothing; the real run is a job whose progress
 * GET /imports/:id reports; then cases are imported for the persons, found by national ID or phone.
 */
describe('imports of persons and cases (CSV)', () => {
  let cases: TestService;
  let pg: Client;
  const run = randomUUID().slice(0, 8);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const tracer = tokenFor('tracer', `import-${run}`, ['502']);
  const other = tokenFor('tracer', `import-other-${run}`, ['503']);
  const existing = { fullName: `Lê Thị Đã Có ${run}`, phone: `09${digits(8)}`, areaCode: '20290' };
  const people = Array.from({ length: 5 }, (_, i) => ({
    fullName: `Nguyễn Văn Nhập ${i} ${run}`,
    phone: `03${digits(8)}`,
    nationalId: `0${digits(11)}`,
  }));
  const post = (path: string, raw: string, token = tracer) =>
    http(cases.url, 'POST', path, { token, raw, contentType: 'text/csv' });
  const count = async () =>
    (await pg.query('SELECT count(*)::int AS n FROM cases.persons WHERE full_name LIKE $1', [`%${run}`])).rows[0].n;

  const personsCsv = () =>
    [
      'full_name,phone,national_id,date_of_birth,area_code,vaccine_doses,last_dose_at',
      ...people.map(
        (p, i) => `"${p.fullName}",${p.phone},${p.nationalId},1980-01-0${i + 1},20290,2,2021-09-01T00:00:00+07:00`,
      ),
      `"Trùng Điện Thoại ${run}",${existing.phone.replace(/^0/, '+84')},,,20293,,`,
      `"Trùng Trong Tệp ${run}",${people[0].phone},,,20290,,`,
      `"Sai Ngày ${run}",,,1980-13-45,20290,,`,
      `"Vùng Khác ${run}",,,,20335,,`,
      `,,,,20290,,`,
    ].join('\n');

  beforeAll(async () => {
    cases = await startService(CasesService);
    pg = await db();
    for (const p of [existing, ...people]) recordIdentities(TEST_LOG_DIR, p);
    expect((await http(cases.url, 'POST', '/persons', { role: 'tracer', body: existing })).status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), pg?.end()]);
  });

  it('a dry run reports every bad line by line and field, duplicates as POST /persons finds them, and writes nothing', async () => {
    const before = await count();
    const auditBefore = (await pg.query('SELECT count(*)::int AS n FROM cases.audit_log')).rows[0].n;
    const res = await post('/imports/persons?dryRun=true', personsCsv());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      kind: 'persons',
      total: 10,
      wouldCreate: 5,
      duplicates: 2,
      rejected: 3,
    });
    const byLine = Object.fromEntries(
      res.body.problems.map((p: { line: number; kind: string; fields: { field: string }[] }) => [
        p.line,
        [p.kind, p.fields.map((f) => f.field).join('|')],
      ]),
    );
    expect(byLine).toEqual({
      7: ['DUPLICATE', 'phone'],
      8: ['DUPLICATE', 'phone'],
      9: ['INVALID', 'date_of_birth'],
      10: ['INVALID', 'area_code'],
      11: ['INVALID', 'full_name'],
    });
    expect(JSON.stringify(res.body)).not.toContain(existing.phone.slice(2));
    expect(await count()).toBe(before);
    expect((await pg.query('SELECT count(*)::int AS n FROM cases.audit_log')).rows[0].n).toBe(auditBefore);
  });

  it('the real run is a job: 202, then its progress until done, with the same report', async () => {
    const started = await post('/imports/persons', personsCsv());
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'persons', status: 'RUNNING', total: 10 });
    const job = await eventually('the import done', async () => {
      const r = await http(cases.url, 'GET', `/imports/${started.body.id}`, { token: tracer });
      return r.body.status === 'DONE' ? r.body : undefined;
    });
    expect(job).toMatchObject({ total: 10, processed: 10, created: 5, duplicates: 2, rejected: 3 });
    expect(job.problems.map((p: { line: number }) => p.line)).toEqual([7, 8, 9, 10, 11]);
    expect(await count()).toBe(6);
    // Another tracer's job is not theirs to read.
    expect((await http(cases.url, 'GET', `/imports/${started.body.id}`, { token: other })).status).toBe(404);
    // The same file again: every line is now a duplicate, nothing created.
    const again = await post('/imports/persons', personsCsv());
    const second = await eventually('the second import done', async () => {
      const r = await http(cases.url, 'GET', `/imports/${again.body.id}`, { token: tracer });
      return r.body.status === 'DONE' ? r.body : undefined;
    });
    expect(second).toMatchObject({ created: 0, duplicates: 7 });
    expect(await count()).toBe(6);
  });

  it('cases for the imported persons, found by national ID or phone; an open case is a duplicate', async () => {
    const csv = [
      'national_id,phone,confirmed_at,test_type,origin',
      `${people[0].nationalId},,2021-11-20T08:00:00+07:00,PCR,`,
      `,${people[1].phone},2021-11-20T09:00:00+07:00,RAPID_ANTIGEN,SCREENING`,
      `${people[0].nationalId},,2021-11-21T08:00:00+07:00,PCR,`,
      `,0${digits(9)},2021-11-20T08:00:00+07:00,PCR,`,
      `${people[2].nationalId},,soon,PCR,`,
    ].join('\n');
    const dry = await post('/imports/cases?dryRun=true', csv);
    expect(dry.body).toMatchObject({ wouldCreate: 2, duplicates: 1, rejected: 2 });
    expect(
      dry.body.problems.map((p: { line: number; fields: { field: string }[] }) => [p.line, p.fields[0].field]),
    ).toEqual([
      [4, 'line'],
      [5, 'phone'],
      [6, 'confirmed_at'],
    ]);
    const started = await post('/imports/cases', csv);
    expect(started.status).toBe(202);
    await eventually('the cases import done', async () => {
      const r = await http(cases.url, 'GET', `/imports/${started.body.id}`, { token: tracer });
      return r.body.status === 'DONE' && r.body.created === 2;
    });
    const { rows } = await pg.query(
      `SELECT c.origin FROM cases.cases c JOIN cases.persons p ON p.person_id = c.person_id WHERE p.full_name LIKE $1 ORDER BY c.confirmed_at`,
      [`%${run}`],
    );
    expect(rows.map((r) => r.origin)).toEqual(['INVESTIGATION', 'SCREENING']);
  });

  it('a file that cannot be read is a 400 naming the header or the content type', async () => {
    const bad = await post('/imports/persons', 'name,phone\nx,1\n');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('header');
    const json = await http(cases.url, 'POST', '/imports/cases', {
      token: tracer,
      raw: '[]',
      contentType: 'application/json',
    });
    expect(json.body.details[0].field).toBe('content-type');
  });
});
