import { createEvent } from '@ct/contracts';
import { SAMPLE_PAYLOADS } from '@ct/contracts/testing/samples';
import { EventPublisher, MessagingObserver } from '@ct/messaging';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { randomInt, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import { OpsService } from '../../apps/ops/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { Edge } from '../../tools/start/edge';
import { freePort, launchChromium, localParts } from '../support/browser';
import { NotifyHarness } from '../support/notify-harness';
import { eventually, http, startService, testKafka, tokenFor, TestService } from '../support/services';

const ARTIFACTS = join(__dirname, '../../test-artifacts');
const AREA = '20338'; // Phường Cẩm Phô: its level and figures are read by no other browser or ops test

/**
 * The dashboard's Care, Notifications and Screening & arrivals panels in chromium, against ops,
 * cases (with local SMS/app gateways and an SMTP server) and quarantine behind the Edge, on the real
 * broker. Data goes in through the services' routes and topics; each panel must show what the API
 * answers, worded and formatted in Vietnamese, then in English. Other test files of the same run
 * share the database, so the expected figures are read from the API once the seeded ones count.
 */
describe('ops dashboard panels: care, notifications, screening and arrivals', () => {
  const h = new NotifyHarness();
  let ops: TestService;
  let quarantine: TestService;
  let edge: Edge;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let publisher: EventPublisher;
  const run = randomUUID().slice(0, 8);
  const admin = (method: string, path: string, body?: unknown) => http(base, method, path, { role: 'admin', body });
  const localDay = (offset = 0) => new Date(Date.now() + 7 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  /** Text of a cell once the panel shows `want` (it refreshes every 10 s). */
  const shows = (selector: string, want: string) => page.locator(selector).getByText(want, { exact: true }).waitFor();

  beforeAll(async () => {
    await h.open();
    h.setClock(new Date().toISOString()); // the harness starts at 2021-12-05; the panels show today
    [ops, quarantine] = await Promise.all([
      startService(OpsService),
      startService(QuarantineService, {
        QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
        QUARANTINE_SCREENING_INTERVAL_SECONDS: '0',
      }),
    ]);
    edge = new Edge(
      [
        { name: 'ops', url: ops.url },
        { name: 'cases', url: h.cases.url },
        { name: 'quarantine', url: quarantine.url },
      ],
      { name: 'ops', url: ops.url },
    );
    await edge.load();
    const port = await freePort();
    await edge.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    publisher = new EventPublisher(testKafka('dashboard-panels-test'), new MessagingObserver());
    profile = mkdtempSync(join(tmpdir(), 'ct-chromium-'));
    context = await launchChromium(profile);
    page = context.pages()[0] ?? (await context.newPage());
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await Promise.all([edge?.close(), publisher?.onApplicationShutdown()]);
    await Promise.all([ops?.close(), quarantine?.close(), h.close()]);
  });

  async function seedNotifications() {
    const p = await h.register();
    h.sms.answer = (b) => (b.to === p.phone ? 400 : 200);
    await h.order(p.personId);
    const failed = await eventually('the SMS refused', async () =>
      (await h.rows(p.personId)).find((r) => r.channel === 'SMS' && r.state === 'FAILED'),
    );
    await eventually('e-mail and push sent', async () =>
      (await h.rows(p.personId)).filter((r) => r.state === 'SENT').length === 2 ? true : undefined,
    );
    h.sms.answer = () => 200;
    return failed.id as string;
  }

  /** Isolations and follow-ups on care.v1 (ops' care figures), and a treatment facility (quarantine). */
  async function seedCare() {
    const today = localDay(0); // the panel asks for today in Vietnam
    const isolation = (kind: 'HOME' | 'TREATMENT_FACILITY', facilityId: string | null, needsBed: boolean) =>
      createEvent(
        'IsolationOrdered',
        {
          ...SAMPLE_PAYLOADS.IsolationOrdered,
          isolationId: randomUUID(),
          personId: `p-${run}-iso-${randomInt(1e6)}`,
          caseId: randomUUID(),
          areaCode: AREA,
          kind,
          facilityId,
          needsBed,
          orderedAt: new Date().toISOString(),
        },
        { source: '/test' },
      );
    const followUp = { areaCode: AREA, dueOn: today, personId: `p-${run}-fu`, orderId: randomUUID() };
    await publisher.publish([
      isolation('HOME', null, false),
      isolation('HOME', null, false),
      isolation('TREATMENT_FACILITY', `f-${run}`, false),
      isolation('TREATMENT_FACILITY', null, true),
      createEvent(
        'HealthCheckRecorded',
        { ...SAMPLE_PAYLOADS.HealthCheckRecorded, ...followUp, followUpId: randomUUID(), status: 'DONE' },
        { source: '/test' },
      ),
      createEvent(
        'FollowUpMissed',
        { ...SAMPLE_PAYLOADS.FollowUpMissed, ...followUp, followUpId: randomUUID(), lostToFollowUp: true },
        { source: '/test' },
      ),
    ]);
    const facility = await admin('PUT', `/care/facilities/f-${run}`, {
      name: `Bệnh viện dã chiến ${run}`,
      areaCode: AREA,
      capacity: 1200,
    });
    expect(facility.status).toBe(200);
  }

  /** The committee declares the levels, a checkpoint registers an arrival, a screening plan is tested. */
  async function seedScreening() {
    for (const [area, level] of [
      ['503', 4],
      [AREA, 3],
    ] as const)
      expect((await admin('PUT', `/areas/${area}/level`, { level, reason: `browser ${run}` })).status).toBe(200);
    await eventually('quarantine to apply level 3 in the area', async () => {
      const r = await admin('GET', `/stats/committee?area=${AREA}`);
      return r.body.areas?.[0]?.rule.level === 3;
    });
    await eventually('quarantine to know level 4 of the origin', async () => {
      const r = await admin('GET', '/stats/committee?area=503');
      return r.body.areas?.[0]?.rule.level === 4;
    });
    const arrival = await http(base, 'POST', '/arrivals', {
      role: 'tracer',
      body: {
        person: { fullName: `Phạm Văn Đến${run}`, phone: `09${randomInt(1e7, 1e8)}`, areaCode: AREA },
        originAreaCode: '503',
        destinationAreaCode: AREA,
        arrivedAt: new Date(Date.now() - 3600_000).toISOString(),
        checkpoint: 'Chốt Bắc Hải Vân',
      },
    });
    expect(arrival.status).toBe(201);
    const traders = Array.from({ length: 4 }, (_, i) => `p-${run}-trader-${i}`);
    const plan = await http(base, 'POST', '/screening-plans', {
      role: 'quarantine',
      body: {
        name: `Chợ ${run}`,
        areaCode: AREA,
        testType: 'RAPID_ANTIGEN',
        personIds: traders,
        everyDays: 7,
        endsOn: localDay(10),
      },
    });
    expect(plan.status).toBe(201);
    const due = await eventually('the round on the worklist', async () => {
      const r = await http(base, 'GET', `/tests?due=${localDay(0)}`, { role: 'quarantine' });
      const mine = (r.body.items ?? []).filter((i: { personId: string }) => traders.includes(i.personId));
      return mine.length === 4 ? mine : undefined;
    });
    for (const t of due.slice(0, 3)) {
      const r = await http(base, 'POST', `/tests/${t.testId}/result`, {
        role: 'quarantine',
        body: { result: 'NEGATIVE', testType: 'RAPID_ANTIGEN', sampleTakenAt: new Date().toISOString() },
      });
      expect(r.status).toBe(200);
    }
    return eventually('the arrival decided and the tests counted', async () => {
      const a = (await admin('GET', `/stats/committee?area=${AREA}`)).body.areas[0];
      return a.arrivals.byOriginLevel['4'] >= 1 && a.screening.tested >= 3 ? a : undefined;
    });
  }

  it('shows isolation and beds, the last hour of notifications and the committee figures, in Vietnamese then English', async () => {
    const failedId = await seedNotifications();
    await seedCare();
    const committee = await seedScreening();
    const care = await eventually('ops to count the seeded isolations (care.v1)', async () => {
      const r = await admin('GET', `/stats/care?day=${localDay(0)}`);
      const a = r.body.areas?.find((x: { areaCode: string }) => x.areaCode === AREA);
      return a &&
        a.isolatedAtHome >= 2 &&
        a.isolatedInFacilities >= 1 &&
        a.waitingForBed >= 1 &&
        a.lost >= 1 &&
        a.bedsFree > 0
        ? a
        : undefined;
    });
    const summary = (await admin('GET', '/notifications/summary')).body;
    const levels = (await admin('GET', '/areas/levels')).body.levels;
    expect(levels.find((l: { areaCode: string }) => l.areaCode === AREA).declared.level).toBe(3);

    await page.goto(base);
    await page.fill('#token', tokenFor('admin', 'dashboard-admin'));
    await page.click('#signin-button');
    await page.getByTestId('who').getByText('dashboard-admin').waitFor();

    // Care, in Vietnamese.
    expect(await page.locator('#care-panel h2 span').textContent()).toBe('Cách ly và theo dõi sức khỏe');
    const row = `#care-areas tr[data-area="${AREA}"]`;
    await shows(`${row} td.isolatedAtHome`, String(care.isolatedAtHome));
    await shows(`${row} td.isolatedInFacilities`, String(care.isolatedInFacilities));
    await shows(`${row} td.waitingForBed`, String(care.waitingForBed));
    await shows(`${row} td.done`, String(care.done));
    await shows(`${row} td.lost`, String(care.lost));
    // Beds free in the area's facilities, from FacilityBedsChanged (1,200 beds, some taken).
    expect(Number(await page.locator(`${row} td.bedsFree`).getAttribute('data-value'))).toBe(care.bedsFree);
    expect(await page.locator(`${row} td.bedsFree`).textContent()).toMatch(/^1\.\d{3}$/);
    expect(await page.locator(`${row} td`).first().textContent()).toBe(`Phường Cẩm Phô (${AREA})`);
    expect(await page.locator('#care-day').textContent()).toBe(
      `theo dõi ngày ${localParts(`${localDay(0)}T05:00:00Z`).date}`,
    );
    const bed = `#care-beds tr[data-facility="f-${run}"]`;
    await shows(`${bed} td.capacity`, '1.200');
    expect(Number(await page.locator(`${bed} td.free`).getAttribute('data-value'))).toBe(
      1200 - Number(await page.locator(`${bed} td.occupied`).getAttribute('data-value')),
    );
    await page
      .getByTestId('care-waiting')
      .getByText(/người đang chờ giường$/)
      .waitFor();

    // Notifications, in Vietnamese.
    await shows('#notif-channels tr[data-channel="SMS"] td.failed', String(summary.channels.SMS.failed));
    expect(summary.channels.SMS.failed).toBeGreaterThanOrEqual(1);
    await shows('#notif-channels tr[data-channel="EMAIL"] td.sent', String(summary.channels.EMAIL.sent));
    expect(await page.locator('#notif-channels tr[data-channel="EMAIL"] td').first().textContent()).toBe('thư điện tử');
    const failure = page.locator(`#notif-failures tr[data-notification="${failedId}"]`);
    await failure.waitFor();
    expect(await failure.locator('.reason').textContent()).toBe('HTTP 400');
    expect(await failure.locator('.template').textContent()).toBe('QUARANTINE_ORDERED');
    const when = localParts((await failure.locator('.when').getAttribute('data-at'))!);
    expect(await failure.locator('.when').textContent()).toContain(when.date);
    expect(await failure.locator('.when').textContent()).toContain(when.time);

    // Screening & arrivals, in Vietnamese.
    const s = `#screening tr[data-area="${AREA}"]`;
    const { screening, arrivals } = committee;
    const coverage = `${Math.round(screening.coverage * 100)}% (${screening.tested} / ${screening.due})`;
    await shows(`${s} td.coverage`, coverage);
    expect(await page.locator(`${s} .declared`).textContent()).toBe('3 · nguy cơ cao');
    expect(await page.locator(`${s} td.rule`).textContent()).toMatch(/^cấp 3 công bố cho 20338 từ \d\d\/\d\d\/\d{4}: /);
    expect(await page.locator(`${s} td.arrivals`).textContent()).toContain(`cấp 4: ${arrivals.byOriginLevel['4']}`);
    expect(await page.locator(`${s} td.decided`).getAttribute('data-quarantine')).toBe(
      String(arrivals.byAction.QUARANTINE),
    );
    expect(arrivals.byAction.QUARANTINE).toBeGreaterThanOrEqual(1);
    const yieldVi = (screening.yieldPer1000 as number).toFixed(1).replace('.', ',');
    expect(await page.locator(`${s} td.yield`).textContent()).toBe(yieldVi);

    // English: the same figures, worded and formatted for English.
    await page.selectOption('#lang', 'en');
    await page.locator('#care-panel h2').getByText('Isolation and follow-ups').waitFor();
    await shows(`${bed} td.capacity`, '1,200');
    await page
      .getByTestId('care-waiting')
      .getByText(/people waiting for a bed$/)
      .waitFor();
    await page.getByTestId('care-areas').locator('thead').getByText('lost to follow-up').waitFor();
    // Re-worded by the panel's next load after the switch (the headers switch at once).
    await page
      .locator('#care-day', { hasText: `follow-ups of ${localParts(`${localDay(0)}T05:00:00Z`).date}` })
      .waitFor();
    await shows('#notif-channels tr[data-channel="EMAIL"] td:first-child', 'e-mail');
    expect(await page.locator('#notif-panel h3').textContent()).toBe('Latest failures');
    await page
      .locator(`${s} td.rule`)
      .getByText(/^level 3 declared for 20338 since /)
      .waitFor();
    expect(await page.locator(`${s} .declared`).textContent()).toBe('3 · high');
    expect(await page.locator(`${s} td.arrivals`).textContent()).toContain(`level 4: ${arrivals.byOriginLevel['4']}`);
    expect(await page.locator(`${s} td.yield`).textContent()).toBe((screening.yieldPer1000 as number).toFixed(1));

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-panels-en.png'), fullPage: true });

    // A role that may not read a route: that panel shows its error row, the others their figures.
    await page.click('#signout-button');
    await page.fill('#token', tokenFor('quarantine', 'dashboard-quarantine'));
    await page.click('#signin-button');
    await page.locator('#notif-channels td.error').getByText('Unavailable: 403').waitFor();
    await page.locator('#care-areas td.error').getByText('Unavailable: 403').waitFor();
    await shows(`${bed} td.capacity`, '1,200');
    await shows(`${s} td.coverage`, coverage);
  }, 180_000);
});
