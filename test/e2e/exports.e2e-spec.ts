import { Workbook } from 'exceljs';
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { db, eventually, http, startService, TestService, tokenFor } from '../support/services';

/**
 * Issue 19 item 2 through the real services: exports stream only the caller's areas, identity
 * columns only for tracers, CSV with a BOM and local (UTC+7) times, an XLSX that exceljs reads back
 * with the Vietnamese text and typed dates, and every export audited with its row count.
 */
describe('exports (CSV and XLSX)', () => {
  let cases: TestService;
  let quarantine: TestService;
  let pg: Client;
  const run = randomUUID().slice(0, 8);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const tracer502 = tokenFor('tracer', `tracer-502-${run}`, ['502']);
  const ops502 = tokenFor('ops', `ops-502-${run}`, ['502']);
  const quarantine502 = tokenFor('quarantine', `q-502-${run}`, ['502']);
  const quarantine503 = tokenFor('quarantine', `q-503-${run}`, ['503']);
  const tamKy = { fullName: `Trần Thị Ngọc Ánh ${run}`, phone: `09${digits(8)}`, areaCode: '20290' };
  const hoiAn = { fullName: `Phạm Văn Hội An ${run}`, phone: `03${digits(8)}`, areaCode: '20335' };
  const confirmedAt = '2021-11-20T01:30:00Z'; // 08:30 in Việt Nam
  const ids: Record<string, string> = {};
  const get = async (base: string, path: string, token: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    [cases, quarantine] = await Promise.all([startService(CasesService), startService(QuarantineService)]);
    pg = await db();
    for (const [key, p] of Object.entries({ tamKy, hoiAn })) {
      const reg = await http(cases.url, 'POST', '/persons', { role: 'tracer', body: p });
      expect(reg.status).toBe(201);
      ids[key] = reg.body.personId;
      const c = await http(cases.url, 'POST', '/cases', {
        role: 'tracer',
        body: { personId: ids[key], confirmedAt, testType: 'PCR' },
      });
      expect(c.status).toBe(201);
    }
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), quarantine?.close(), pg?.end()]);
  });

  const period = '?from=2021-11-19T00:00:00%2B07:00&to=2021-11-21T00:00:00%2B07:00';
  // Rows each export held (other files may have cases of 502 in the same days): the audit must say the same.
  const exported = { csv: -1, opsCsv: -1, xlsx: -1 };

  it('CSV: UTF-8 with BOM, local times, only the caller’s areas, identity columns only for tracers', async () => {
    const res = await get(cases.url, `/exports/cases.csv${period}`, tracer502);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv; charset=utf-8/);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['case_id', 'full_name', 'phone', 'confirmed_at']));
    exported.csv = lines.length - 1;
    const mine = lines.filter((l) => l.includes(run));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain(tamKy.fullName);
    expect(mine[0]).toContain('2021-11-20T08:30:00+07:00');
    expect(mine[0]).toContain('Phường Tân Thạnh');

    const ops = await get(cases.url, `/exports/cases.csv${period}`, ops502);
    expect(ops.status).toBe(200);
    const opsText = ops.bytes.toString('utf8');
    exported.opsCsv = opsText.slice(1).trim().split('\r\n').length - 1;
    expect(opsText.split('\r\n')[0]).not.toMatch(/full_name|phone|national_id/);
    expect(opsText).toContain(ids.tamKy);
    expect(opsText).not.toContain(tamKy.fullName);
    expect(opsText).not.toContain(ids.hoiAn);
  });

  it('XLSX read back by exceljs: Vietnamese headers and text, typed dates in local time', async () => {
    const res = await get(cases.url, `/exports/cases.xlsx${period}&area=502`, tracer502);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new Workbook();
    await wb.xlsx.load(res.bytes);
    const sheet = wb.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['Họ và tên', 'Ngày xác nhận', 'Địa bàn']));
    const col = (label: string) => header.indexOf(label) + 1;
    const rows: { name: unknown; confirmed: unknown; area: unknown }[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1)
        rows.push({
          name: row.getCell(col('Họ và tên')).value,
          confirmed: row.getCell(col('Ngày xác nhận')).value,
          area: row.getCell(col('Địa bàn')).value,
        });
    });
    exported.xlsx = rows.length;
    const mine = rows.filter((r) => String(r.name).includes(run));
    expect(mine).toHaveLength(1);
    expect(mine[0].name).toBe(tamKy.fullName);
    expect(mine[0].area).toBe('Phường Tân Thạnh');
    // A date cell (not text) showing the Vietnamese wall-clock time: 20/11/2021 08:30.
    expect(mine[0].confirmed).toBeInstanceOf(Date);
    expect((mine[0].confirmed as Date).toISOString()).toBe('2021-11-20T08:30:00.000Z');
  });

  it('every export is audited: who, what, how many rows, with identity or not', async () => {
    const log = await http(cases.url, 'GET', '/audit/exports?limit=50', { role: 'admin' });
    expect(log.status).toBe(200);
    const mine = log.body.filter((e: { subject: string }) => e.subject === `tracer-502-${run}`);
    expect(
      mine.map((e: { dataset: string; format: string; rows: number; identity: boolean; completed: boolean }) => [
        e.dataset,
        e.format,
        e.rows,
        e.identity,
        e.completed,
      ]),
    ).toEqual([
      ['cases', 'xlsx', exported.xlsx, true, true],
      ['cases', 'csv', exported.csv, true, true],
    ]);
    expect(exported.csv).toBeGreaterThanOrEqual(1);
    expect(log.body.find((e: { subject: string }) => e.subject === `ops-502-${run}`)).toMatchObject({
      identity: false,
      rows: exported.opsCsv,
    });
    expect((await http(cases.url, 'GET', '/audit/exports', { token: tracer502 })).status).toBe(403);
  });

  it('bad filters are a 400 naming the field; no token is a 401', async () => {
    const bad = await http(cases.url, 'GET', '/exports/cases.csv?area=999', { token: tracer502 });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('area');
    expect((await http(cases.url, 'GET', '/exports/cases.csv?from=yesterday', { token: tracer502 })).status).toBe(400);
    expect((await http(cases.url, 'GET', '/exports/contacts.csv')).status).toBe(401);
    const contacts = await get(cases.url, '/exports/contacts.xlsx', tracer502);
    expect(contacts.status).toBe(200);
  });

  it('quarantine exports tests of the caller’s areas only, audited', async () => {
    await eventually('the profiles reached quarantine', async () => {
      const { rows } = await pg.query(
        'SELECT count(*)::int AS n FROM quarantine.person_profiles WHERE person_id = ANY($1)',
        [[ids.tamKy, ids.hoiAn]],
      );
      return rows[0].n === 2;
    });
    for (const personId of [ids.tamKy, ids.hoiAn]) {
      const r = await http(quarantine.url, 'POST', '/test-results', {
        role: 'quarantine',
        body: {
          personId,
          purpose: 'SCREENING',
          result: 'NEGATIVE',
          testType: 'RAPID_ANTIGEN',
          sampleTakenAt: confirmedAt,
        },
      });
      expect(r.status).toBe(201);
    }
    const tamKyTests = (await get(quarantine.url, '/exports/tests.csv', quarantine502)).bytes.toString('utf8');
    expect(tamKyTests.charCodeAt(0)).toBe(0xfeff);
    expect(tamKyTests).toContain(ids.tamKy);
    expect(tamKyTests).not.toContain(ids.hoiAn);
    expect(tamKyTests).toContain('2021-11-20T08:30:00+07:00');
    const hoiAnTests = (await get(quarantine.url, '/exports/tests.csv', quarantine503)).bytes.toString('utf8');
    expect(hoiAnTests).toContain(ids.hoiAn);
    expect(hoiAnTests).not.toContain(ids.tamKy);
    const xlsx = await get(quarantine.url, '/exports/quarantines.xlsx', quarantine502);
    expect(xlsx.status).toBe(200);
    const { rows } = await pg.query(
      `SELECT dataset, format, row_count::int AS n FROM quarantine.export_log WHERE subject = $1 ORDER BY id`,
      [`q-502-${run}`],
    );
    expect(rows.map((r) => [r.dataset, r.format])).toEqual([
      ['tests', 'csv'],
      ['quarantines', 'xlsx'],
    ]);
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('quarantine exports follow-ups of the caller’s areas with typed cells, without the free-text note, audited', async () => {
    // Both cases are isolated (CaseConfirmed → care); the care pass gives each today's follow-ups.
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const mine = await eventually(
      'today’s follow-up of the Tam Kỳ case',
      async () => {
        expect((await http(quarantine.url, 'POST', '/care/pass', { role: 'admin' })).status).toBe(200);
        const list = await http(quarantine.url, 'GET', `/follow-ups?due=${today}&area=20290`, { token: quarantine502 });
        return list.body.items?.find((i: { personId: string }) => i.personId === ids.tamKy);
      },
      60000,
    );
    const note = `Bệnh nhân ho nhiều ${run}`;
    const rec = await http(quarantine.url, 'POST', `/follow-ups/${mine.followUpId}`, {
      role: 'quarantine',
      body: { status: 'DONE', temperatureC: 38.6, spo2: 97, symptoms: ['FEVER', 'COUGH'], note },
    });
    expect(rec.status).toBe(200);
    const day = `?from=${today}T00:00:00%2B07:00&to=${today}T23:59:00%2B07:00`;

    const csv = await get(quarantine.url, `/exports/follow-ups.csv${day}`, quarantine502);
    expect(csv.status).toBe(200);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.bytes.toString('utf8');
    const lines = text.slice(1).trim().split('\r\n');
    const header = lines[0].split(',');
    expect(header).toEqual(
      expect.arrayContaining(['follow_up_id', 'person_id', 'due_on', 'temperature_c', 'symptoms']),
    );
    expect(header).not.toContain('note');
    const row = lines.find((l) => l.startsWith(`${mine.followUpId},`));
    expect(row).toBeDefined();
    const cell = (name: string) => row!.split(',')[header.indexOf(name)];
    expect([cell('person_id'), cell('subject'), cell('due_on'), cell('status')]).toEqual([
      ids.tamKy,
      'ISOLATION',
      today,
      'DONE',
    ]);
    expect([cell('temperature_c'), cell('spo2'), cell('symptoms'), cell('area_name')]).toEqual([
      '38.6',
      '97',
      'FEVER;COUGH',
      'Phường Tân Thạnh',
    ]);
    expect(cell('recorded_at')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(text).not.toContain(run); // the note
    expect(text).not.toContain(ids.hoiAn);
    // A period ending before today has none of today's follow-ups.
    const before = await get(quarantine.url, `/exports/follow-ups.csv?to=${today}T00:00:00%2B07:00`, quarantine502);
    expect(before.bytes.toString('utf8')).not.toContain(mine.followUpId);
    const hoiAn = (await get(quarantine.url, `/exports/follow-ups.csv${day}`, quarantine503)).bytes.toString('utf8');
    expect(hoiAn).toContain(ids.hoiAn);
    expect(hoiAn).not.toContain(ids.tamKy);

    const xlsx = await get(quarantine.url, `/exports/follow-ups.xlsx${day}&area=20290`, quarantine502);
    expect(xlsx.status).toBe(200);
    const wb = new Workbook();
    await wb.xlsx.load(xlsx.bytes);
    const sheet = wb.worksheets[0];
    expect(sheet.name).toBe('follow-ups');
    const labels = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(labels).toEqual(expect.arrayContaining(['Ngày theo dõi', 'Nhiệt độ (°C)', 'Triệu chứng']));
    let xlsxRows = 0;
    let found: ExcelRow | undefined;
    type ExcelRow = { getCell(n: number): { value: unknown } };
    sheet.eachRow((r, n) => {
      if (n === 1) return;
      xlsxRows++;
      if (r.getCell(1).value === mine.followUpId) found = r;
    });
    expect(found).toBeDefined();
    const value = (label: string) => found!.getCell(labels.indexOf(label) + 1).value;
    expect(value('Ngày theo dõi')).toEqual(new Date(`${today}T00:00:00Z`));
    expect(value('Nhiệt độ (°C)')).toBe(38.6);
    expect(value('SpO2 (%)')).toBe(97);
    expect(value('Bỏ lỡ')).toBe(false);
    expect(value('Thời điểm ghi nhận')).toBeInstanceOf(Date);

    const { rows } = await pg.query(
      `SELECT format, row_count::int AS n, completed FROM quarantine.export_log
        WHERE subject = $1 AND dataset = 'follow-ups' ORDER BY id`,
      [`q-502-${run}`],
    );
    expect(rows.map((r) => r.format)).toEqual(['csv', 'csv', 'xlsx']);
    expect(rows[0].n).toBe(lines.length - 1);
    expect(rows[2]).toEqual({ format: 'xlsx', n: xlsxRows, completed: true });
    expect((await http(quarantine.url, 'GET', '/exports/follow-ups.csv', { role: 'feed' })).status).toBe(403);
  });
});
