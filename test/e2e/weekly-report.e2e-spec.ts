import { AnyEvent, createEvent } from '@ct/contracts';
import { SAMPLE_PAYLOADS } from '@ct/contracts/testing/samples';
import { EventPublisher, MessagingObserver } from '@ct/messaging';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { OpsService } from '../../apps/ops/src/service';
import { pdfText } from '../support/pdf';
import { db, eventually, http, startService, testKafka, tokenFor, TestService } from '../support/services';

const AREA = '20575'; // Xã Điện Thắng Bắc, population 13,408
const OTHER = '20560'; // Phường Điện An, no cases that week
const WEEK = '2022-W10'; // Monday 07/03/2022 – Sunday 13/03/2022, local time
const ARTIFACTS = join(__dirname, '../../test-artifacts');
const day = (d: string, hour = 3) => `${d}T${String(hour).padStart(2, '0')}:00:00Z`;

async function fetchReport(ops: TestService, path: string, token = tokenFor('ops')) {
  const res = await fetch(`${ops.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

/**
 * The weekly report from figures built through the real event path (cases.v1, quarantine.v1,
 * contacts.v1 on the broker, consumed by ops): 44 cases the week before and 29 this week read
 * "giảm 34,1%" in the PDF's extracted text, with the diacritics intact. Events are published in an
 * unnatural order (cases before the quarantines that contain them, contacts before their cases, a
 * withdrawal before its contact) and some twice: the report must not change. Isolations come from
 * care.v1 events (orders, a transfer, an end) and are counted where they were at the week's end.
 */
describe('weekly report (PDF and HTML, Vietnamese and English)', () => {
  let ops: TestService;
  let pg: Client;
  let publisher: EventPublisher;

  beforeAll(async () => {
    ops = await startService(OpsService);
    pg = await db();
    publisher = new EventPublisher(testKafka('weekly-report-test'), new MessagingObserver());
  });

  afterAll(async () => {
    await Promise.all([ops?.close(), pg?.end(), publisher?.onApplicationShutdown()]);
  });

  const confirmed = (personId: string, confirmedAt: string, caseId = randomUUID()) =>
    createEvent(
      'CaseConfirmed',
      {
        caseId,
        personId,
        confirmedAt,
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'SCREENING',
        areaCode: AREA,
      },
      { source: '/test' },
    );

  it('says "giảm 34,1%" with Vietnamese diacritics and formatting, one page per area, and the same in English', async () => {
    const run = randomUUID().slice(0, 8);
    const person = (n: string) => `p-wr-${run}-${n}`;
    // Week 9: 44 cases, one of them the source of a site first used then (not new in week 10).
    const lastWeek = Array.from({ length: 44 }, (_, i) => confirmed(person(`a${i}`), day(`2022-03-0${1 + (i % 6)}`)));
    // Week 10: 29 cases; f0 is the source of f1's exposure, f1 became a case too (a new cluster);
    // q0..q3 were in quarantine when confirmed (their orders published after their cases).
    const f0 = confirmed(person('f0'), day('2022-03-07'));
    const f1 = confirmed(person('f1'), day('2022-03-10'));
    const quarantinedCases = [0, 1, 2, 3].map((i) => confirmed(person(`q${i}`), day('2022-03-09')));
    const rest = Array.from({ length: 23 }, (_, i) =>
      confirmed(person(`b${i}`), day(`2022-03-${String(7 + (i % 7)).padStart(2, '0')}`)),
    );
    const exposure = (n: string, source: AnyEvent, venueId: string, at: string, contactId = randomUUID()) =>
      createEvent(
        'ContactIdentified',
        {
          ...SAMPLE_PAYLOADS.ContactIdentified,
          contactId,
          personId: person(n),
          sourcePersonId: (source.payload as any).personId,
          sourceCaseId: (source.payload as any).caseId,
          exposure: { kind: 'CO_LOCATION', venueId, startedAt: at, endedAt: at.replace('T03', 'T04') },
          lastExposureAt: at.replace('T03', 'T04'),
          identifiedAt: day('2022-03-11'),
        },
        { source: '/test' },
      );
    const market = `v-cho-${run}`;
    const oldSite = `v-old-${run}`;
    const withdrawnSite = `v-gone-${run}`;
    const f1Contact = exposure('f1', f0, market, day('2022-03-08'));
    const withdrawnId = randomUUID();
    const withdrawnContact = exposure('w1', f0, withdrawnSite, day('2022-03-08'), withdrawnId);
    const withdrawal = createEvent(
      'ContactWithdrawn',
      {
        contactId: withdrawnId,
        personId: person('w1'),
        sourceCaseId: (f0.payload as any).caseId,
        previousDegree: 1,
        reason: 'NO_LONGER_EXPOSED',
        withdrawnAt: day('2022-03-12'),
      },
      { source: '/test' },
    );
    const oldContact = exposure('o1', lastWeek[0], oldSite, day('2022-03-02'));
    const laterAtOldSite = exposure('o2', f0, oldSite, day('2022-03-08'));
    const quarantine = (n: string, startsAt: string, endsAt: string) =>
      createEvent(
        'QuarantineOrdered',
        {
          ...SAMPLE_PAYLOADS.QuarantineOrdered,
          quarantineId: randomUUID(),
          personId: person(n),
          sourcePersonId: (f0.payload as any).personId,
          sourceCaseId: (f0.payload as any).caseId,
          dayZero: startsAt.slice(0, 10),
          startsAt,
          endsAt,
          orderedAt: startsAt,
        },
        { source: '/test' },
      );
    const orders = [0, 1, 2, 3].map((i) => quarantine(`q${i}`, day('2022-03-05'), day('2022-03-19')));
    const stillIn = quarantine('k1', day('2022-03-08'), day('2022-03-22'));
    const ended = quarantine('k2', day('2022-03-08'), day('2022-03-22'));
    const endedEarly = createEvent(
      'QuarantineEnded',
      {
        quarantineId: (ended.payload as any).quarantineId,
        personId: person('k2'),
        endedAt: day('2022-03-11'),
        reason: 'COMPLETED',
      },
      { source: '/test' },
    );

    // Isolations (care.v1) of the area's cases at the end of week 10 (Monday 14/03 00:00 local):
    // h1 at home; t1 at home, then moved to a facility on 12/03; w1 in a facility; n1 waiting for a
    // bed; e1 ended on 11/03 and l1 ordered in week 11 do not count.
    const isolation = (n: string, kind: 'HOME' | 'TREATMENT_FACILITY', orderedAt: string, needsBed = false) =>
      createEvent(
        'IsolationOrdered',
        {
          ...SAMPLE_PAYLOADS.IsolationOrdered,
          isolationId: randomUUID(),
          personId: person(n),
          caseId: randomUUID(),
          areaCode: AREA,
          kind,
          facilityId: kind === 'HOME' || needsBed ? null : `tf-${run}`,
          needsBed,
          orderedAt,
        },
        { source: '/test' },
      );
    const isolations = {
      h1: isolation('h1', 'HOME', day('2022-03-08')),
      t1: isolation('t1', 'HOME', day('2022-03-08')),
      w1: isolation('w1', 'TREATMENT_FACILITY', day('2022-03-09')),
      n1: isolation('n1', 'TREATMENT_FACILITY', day('2022-03-10'), true),
      e1: isolation('e1', 'HOME', day('2022-03-08')),
      l1: isolation('l1', 'HOME', day('2022-03-15')),
    };
    const of = (n: keyof typeof isolations) => isolations[n].payload;
    const moved = createEvent(
      'IsolationTransferred',
      {
        ...SAMPLE_PAYLOADS.IsolationTransferred,
        isolationId: of('t1').isolationId,
        personId: of('t1').personId,
        caseId: of('t1').caseId,
        areaCode: AREA,
        facilityId: `tf-${run}`,
        transferredAt: day('2022-03-12'),
      },
      { source: '/test' },
    );
    const released = createEvent(
      'IsolationEnded',
      {
        ...SAMPLE_PAYLOADS.IsolationEnded,
        isolationId: of('e1').isolationId,
        personId: of('e1').personId,
        caseId: of('e1').caseId,
        areaCode: AREA,
        kind: 'HOME',
        facilityId: null,
        endedAt: day('2022-03-11'),
      },
      { source: '/test' },
    );
    await publisher.publish(Object.values(isolations));
    await publisher.publish([moved, released, isolations.h1]); // h1 again: a redelivery

    // Contacts and a withdrawal before the cases they refer to; the quarantines' end before their order.
    await publisher.publish([withdrawal, f1Contact, withdrawnContact, oldContact, laterAtOldSite]);
    await publisher.publish([...lastWeek, f0, f1, ...quarantinedCases, ...rest]);
    await publisher.publish([endedEarly]);
    await publisher.publish([...orders, stillIn, ended]);
    // Redeliveries change nothing.
    await publisher.publish([f1Contact, quarantinedCases[0], orders[0]]);

    await eventually(
      'ops to have every case, quarantine and exposure',
      async () => {
        const r = await http(ops.url, 'GET', `/stats/weekly?area=${AREA}&weeks=2&until=2022-03-09`, { role: 'ops' });
        const q = await pg.query(
          `SELECT count(*)::int AS n FROM ops.quarantined_persons WHERE person_id LIKE $1 AND source_case_id IS NOT NULL`,
          [`p-wr-${run}-%`],
        );
        const e = await pg.query(
          `SELECT count(*)::int AS n FROM ops.exposures WHERE person_id LIKE $1 AND identified_at IS NOT NULL`,
          [`p-wr-${run}-%`],
        );
        const iso = r.body.weeks?.[1]?.isolations;
        return (
          r.body.weeks?.[1]?.count === 29 &&
          r.body.weeks[1].community === 25 &&
          q.rows[0].n === 6 &&
          e.rows[0].n === 4 &&
          iso?.inFacilities === 2 &&
          iso.waitingForBed === 1
        );
      },
      60000,
    );
    // The weekly figures: isolations at the end of each week (week 9 ended before any of them).
    const weekly = await http(ops.url, 'GET', `/stats/weekly?area=${AREA}&weeks=2&until=2022-03-09`, { role: 'ops' });
    expect(weekly.body.weeks.map((w: { isolations: unknown }) => w.isolations)).toEqual([
      { atHome: 0, inFacilities: 0, waitingForBed: 0, bedsFree: 0 },
      { atHome: 1, inFacilities: 2, waitingForBed: 1, bedsFree: 0 },
    ]);
    expect(
      (
        await http(ops.url, 'PUT', `/areas/${AREA}/coverage`, {
          role: 'admin',
          body: { adultsOneDosePct: 98.4, over50FullyVaccinatedPct: 75 },
        })
      ).status,
    ).toBe(200);

    const scoped = tokenFor('tracer', 'tracer-dien-ban', ['508']);
    const pdf = await fetchReport(ops, `/reports/weekly.pdf?area=${AREA},${OTHER}&week=${WEEK}`, scoped);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'weekly-report.pdf'), pdf.body);
    const text = pdfText(pdf.body);
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    expect(pages).toHaveLength(2);
    const [first, second] = pages.map((p) => p.replace(/\s+/g, ' '));
    expect(first).toContain('BÁO CÁO TÌNH HÌNH DỊCH COVID-19 HẰNG TUẦN');
    expect(first).toContain('Xã Điện Thắng Bắc (mã 20575) – dân số 13.408 người');
    expect(first).toContain('Tuần 10/2022 (từ 07/03/2022 đến 13/03/2022)');
    expect(first).toContain('29 ca mắc trong tuần, giảm 34,1% so với tuần trước');
    expect(first).toContain('Ca mắc trong cộng đồng: 25');
    expect(first).toContain('Ca mắc đã được cách ly từ trước: 4');
    // 25 community cases / 13,408 people = 186.5 per 100,000: level 4 (capped after the coverage step).
    expect(first).toContain('Cấp độ 4 – nguy cơ rất cao (đỏ)');
    expect(first).toContain('186,5 ca mắc mới trong cộng đồng/100.000 dân trong tuần → cấp độ 4');
    expect(first).toContain('người từ 50 tuổi tiêm đủ liều 75% < 80%');
    expect(first).toContain('Người từ 18 tuổi trở lên tiêm ít nhất 1 mũi: 98,4%');
    // The four quarantined cases and k1 are still in quarantine on Monday 14/03 00:00; k2 was released.
    expect(first).toContain('Đang cách ly (F1, F2) cuối tuần: 5');
    expect(first).toContain(
      'F0 đang cách ly, điều trị cuối tuần: 4 – tại nhà: 1 – tại cơ sở điều trị: 2 – đang chờ giường tại cơ sở điều trị: 1',
    );
    // No facility of the area had announced its beds by then (FacilityBedsChanged).
    expect(first).toContain('Giường trống tại cơ sở điều trị cuối tuần: 0');
    expect(first).toContain('Ổ dịch mới trong tuần: 1');
    expect(first).toContain('ổ dịch 2 ca, ca đầu tiên ngày 07/03/2022');
    // The market is new; the old site was first used in week 9; the withdrawn contact's venue does not count.
    expect(first).toContain('Địa điểm mới ghi nhận có ca bệnh: 1');
    expect(first).toContain(`${market} (từ ngày 08/03/2022)`);
    expect(first).not.toContain(withdrawnSite);
    expect(first).not.toContain(oldSite);
    // The curve's bars are labelled with their Mondays, the last two 28/02 and 07/03.
    expect(first).toContain('28/02');
    expect(first).toContain('07/03');
    expect(second).toContain('Phường Điện An (mã 20560)');
    expect(second).toContain('0 ca mắc trong tuần, tuần trước không có ca nào');

    const en = pdfText(
      (await fetchReport(ops, `/reports/weekly.pdf?area=${AREA}&week=2022-03-09&lang=en`)).body,
    ).replace(/\s+/g, ' ');
    expect(en).toContain('WEEKLY COVID-19 SITUATION REPORT');
    expect(en).toContain('29 cases this week, down 34.1% on last week');
    expect(en).toContain('Xã Điện Thắng Bắc (code 20575) – population 13,408');
    expect(en).toContain(
      'Cases (F0) in isolation or treatment at the end of the week: 4 – at home: 1 – in treatment facilities: 2 – waiting for a bed in a treatment facility: 1',
    );
    expect(en).toContain('Beds free in treatment facilities at the end of the week: 0');

    const html = await fetchReport(ops, `/reports/weekly.html?area=${AREA}&week=${WEEK}`, scoped);
    expect(html.status).toBe(200);
    expect(html.type).toBe('text/html; charset=utf-8');
    const page = html.body.toString('utf8');
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain('29 ca mắc trong tuần, giảm 34,1% so với tuần trước');
    expect(page).toContain('F0 đang cách ly, điều trị cuối tuần: 4');
    expect(page).toContain('– tại nhà: 1');
    expect(page.match(/<rect class="bar community"/g)).toHaveLength(8);
    expect(page.match(/<article class="page"/g)).toHaveLength(1);
  }, 120000);

  it("refuses bad parameters naming the field, hides areas outside the caller's scope, and needs a role", async () => {
    const bad = async (query: string, field: string) => {
      const r = await http(ops.url, 'GET', `/reports/weekly.pdf?${query}`, { role: 'ops' });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain(field);
    };
    await bad('week=2022-W10', 'area');
    await bad(`area=${AREA}&week=2022-W60`, 'week');
    await bad(`area=${AREA}&week=09/03/2022`, 'week');
    await bad(`area=${AREA}&week=2022-02-30`, 'week');
    await bad(`area=${AREA}&lang=fr`, 'lang');
    await bad(`area=${AREA};drop`, 'area');
    const outside = tokenFor('tracer', 'tracer-tam-ky', ['502']);
    expect((await fetchReport(ops, `/reports/weekly.pdf?area=${AREA}`, outside)).status).toBe(404);
    expect((await fetchReport(ops, `/reports/weekly.html?area=20290,${AREA}`, outside)).status).toBe(404);
    expect((await fetchReport(ops, `/reports/weekly.html?area=20290`, outside)).status).toBe(200);
    expect((await fetchReport(ops, '/reports/weekly.pdf?area=nowhere')).status).toBe(404);
    expect((await fetchReport(ops, `/reports/weekly.pdf?area=${AREA}`, tokenFor('quarantine'))).status).toBe(403);
    expect((await fetch(`${ops.url}/reports/weekly.pdf?area=${AREA}`)).status).toBe(401);
  });
});
