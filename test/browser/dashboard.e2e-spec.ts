import { createEvent, Topics } from '@ct/contracts';
import { EventPublisher, MessagingObserver } from '@ct/messaging';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import { MONITORED_TOPICS } from '../../apps/ops/src/monitor/topic-monitor.service';
import { OpsService } from '../../apps/ops/src/service';
import { TracingService } from '../../apps/tracing/src/service';
import { Edge } from '../../tools/start/edge';
import { freePort, launchChromium, localParts } from '../support/browser';
import { eventually, handledBacklog, http, startService, testKafka, tokenFor, TestService } from '../support/services';

const ARTIFACTS = join(__dirname, '../../test-artifacts');

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core), served at a base
 * URL by the same Edge that `npm start` runs, against ops and tracing on the real broker.
 * tools/browser/ensure-chromium.sh installs chromium; without it this test fails.
 */
describe('ops dashboard in chromium', () => {
  let ops: TestService;
  let tracing: TestService;
  let edge: Edge;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let publisher: EventPublisher;

  beforeAll(async () => {
    [ops, tracing] = await Promise.all([startService(OpsService), startService(TracingService)]);
    edge = new Edge(
      [
        { name: 'ops', url: ops.url },
        { name: 'tracing', url: tracing.url },
      ],
      { name: 'ops', url: ops.url },
    );
    await edge.load();
    const port = await freePort();
    await edge.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    publisher = new EventPublisher(testKafka('dashboard-test'), new MessagingObserver());
    profile = mkdtempSync(join(tmpdir(), 'ct-chromium-'));
    context = await launchChromium(profile);
    page = context.pages()[0] ?? (await context.newPage());
  }, 120000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await Promise.all([edge?.close(), publisher?.onApplicationShutdown()]);
    await Promise.all([ops?.close(), tracing?.close()]);
  });

  it('signs in with a token and shows live rates, lag, dead letters with replay, levels, weekly cases and a contact graph, in Vietnamese then English', async () => {
    const externalRequests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) externalRequests.push(r.url());
    });
    await page.goto(base);
    // Vietnamese by default: the page's language, its labels and the sign-in prompt.
    await page.getByText('Dán mã truy cập (vai trò ops) rồi đăng nhập.').waitFor();
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe('vi');
    expect(await page.locator('#weekly-panel h2').textContent()).toBe('Số ca mắc theo tuần');
    expect(await page.locator('#signin-button').textContent()).toBe('Đăng nhập');
    expect(await page.locator('#token').getAttribute('placeholder')).toBe('dán mã truy cập (npm run token -- ops)');
    expect(await page.inputValue('#lang')).toBe('vi');
    await page.fill('#token', tokenFor('admin', 'dashboard-admin'));
    await page.click('#signin-button');
    await page.getByTestId('who').getByText('dashboard-admin').waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('ct.token'))).toMatch(/^ey/);

    // Services' health from the edge's aggregate /health.
    await page.locator('[data-service="ops"].up').waitFor();
    await page.locator('[data-service="tracing"].up').waitFor();

    // Ops' topic monitor (group ops-monitor) reads what earlier files left on every topic first, from
    // where ops last stopped: once that is read, the rates below move with this test's traffic.
    await handledBacklog(ops, 'ops-monitor', 90_000, MONITORED_TOPICS);

    // Real traffic: a contact (F1) at the F0's venue, the F0's case, and a burst of check-ins.
    const venueId = `v-${randomUUID()}`;
    const f0 = `p-f0-${randomUUID()}`;
    const f1 = `p-f1-${randomUUID()}`;
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60000).toISOString();
    const burst = Array.from({ length: 40 }, (_, i) =>
      createEvent(
        'CheckInRecorded',
        {
          checkInId: `ci-${randomUUID()}`,
          personId: i === 0 ? f0 : i === 1 ? f1 : `p-${randomUUID()}`,
          venueId: i < 2 ? venueId : `v-${i}`,
          checkedInAt: at(180),
          checkedOutAt: at(120),
          source: 'browser-test',
        },
        { source: '/test' },
      ),
    );
    await publisher.publish(burst);
    const caseId = randomUUID();
    await publisher.publish([
      createEvent(
        'CaseConfirmed',
        {
          caseId,
          personId: f0,
          confirmedAt: at(1),
          symptomOnsetAt: null,
          sampleTakenAt: null,
          testType: 'PCR',
          origin: 'SCREENING',
          areaCode: '20290',
        },
        { source: '/test' },
      ),
    ]);
    // A poisoned event: ops (and tracing) dead-letter it.
    const poisonKey = `p-poison-${randomUUID()}`;
    const poisonId = randomUUID();
    await publisher.send([
      {
        topic: Topics.CASES,
        key: poisonKey,
        value: '{"caseId":"nope"}',
        headers: {
          ce_specversion: '1.0',
          ce_id: poisonId,
          ce_type: 'CaseConfirmed',
          ce_source: '/test',
          ce_time: at(0),
          'content-type': 'application/json',
          ce_correlationid: poisonId,
        },
      },
    ]);

    // Rates move without a reload.
    await page.waitForFunction(
      (topic) =>
        Number(
          (globalThis as any).document.querySelector(`#topics tr[data-topic="${topic}"] .rate`)?.dataset.value ?? 0,
        ) >= 40,
      Topics.CHECKINS,
      { timeout: 30000 },
    );
    // The latest events of a topic, with headers and payload.
    await page.click(`#topics tr[data-topic="${Topics.CHECKINS}"] button.topic-link`);
    const latest = page.locator('#events-list li', { hasText: '"source": "browser-test"' }).first();
    await latest.waitFor();
    expect(await latest.locator('pre.headers').textContent()).toContain('"ce_type": "CheckInRecorded"');
    expect(await latest.locator('pre.payload').textContent()).toMatch(/"checkInId": "ci-/);
    await page.locator('#lag tr[data-group="ops"]').waitFor();
    await page.locator('#lag tr[data-group="tracing"]').waitFor();

    // The dead letter with its reason, replayed with one click.
    const row = page.locator(`#dlq tr[data-event-id="${poisonId}"]`).first();
    await row.waitFor({ timeout: 30000 });
    expect(await row.locator('.reason').textContent()).toMatch(/confirmedAt|required/);
    expect(await row.locator('.replays').textContent()).toBe('chưa gửi lại');
    // Dates in Vietnam's local time (UTC+7), dd/mm/yyyy.
    const when = localParts((await row.locator('.when').getAttribute('data-at'))!);
    expect(await row.locator('.when').textContent()).toContain(when.date);
    expect(await row.locator('.when').textContent()).toContain(when.time);
    const id = await row.getAttribute('data-dlq-id');
    await row.locator('button.replay').click();
    await page.locator(`#dlq tr[data-dlq-id="${id}"] .replays`).getByText('đã gửi lại ×1').waitFor({ timeout: 15000 });
    const audit = await http(base, 'GET', `/ops/dlq/${id}`, { role: 'ops' });
    expect(audit.body.replays).toEqual([expect.objectContaining({ replayedBy: 'dashboard-admin' })]);

    // Levels as a coloured table, weekly cases as a chart.
    await page.locator('#levels tr[data-area="20290"] .level').waitFor({ timeout: 20000 });
    const cls = await page.locator('#levels tr[data-area="20290"] .level').getAttribute('class');
    expect(cls).toMatch(/level-[1-4]/);
    // This run's community cases / 17,219 people per 100,000 (other files confirm cases of 20290 this week
    // too, so the count is read from ops; one case alone is 5.81, Vietnamese "5,81"), once the table refreshes.
    const figures = (await http(base, 'GET', '/areas/20290/level', { role: 'admin' })).body;
    expect(figures.communityCases).toBeGreaterThanOrEqual(1);
    expect(figures.casesPer100k).toBeCloseTo((figures.communityCases / 17219) * 100000, 2);
    const per100k = (lang: string, digits: number) =>
      new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(figures.casesPer100k);
    await page
      .locator('#levels tr[data-area="20290"] td.num')
      .getByText(per100k('vi-VN', 2))
      .waitFor({ timeout: 25000 });
    expect(await page.locator('#levels tr[data-area="20290"] .level').textContent()).toMatch(/^[1-4] · nguy cơ/);
    expect(await page.locator('#levels tr[data-area="20290"] td.muted').textContent()).toContain(
      `${per100k('vi-VN', 1)} ca mắc mới trong cộng đồng/100.000 dân trong tuần`,
    );
    expect(await page.locator('#levels tbody tr').count()).toBe(13);
    await page
      .getByTestId('weekly-text')
      .getByText(/ca mắc trong tuần/)
      .waitFor();
    expect(await page.locator('#weekly-chart svg rect.bar:not(.community)').count()).toBe(8);

    // English: every label, the figures and the dates switch without a reload, and the choice is kept.
    await page.selectOption('#lang', 'en');
    await page.locator('#weekly-panel h2').getByText('Weekly cases').waitFor();
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe('en');
    expect(await page.locator('#signout-button').textContent()).toBe('Sign out');
    await page
      .locator('#levels tr[data-area="20290"] td.num')
      .getByText(per100k('en-GB', 2))
      .waitFor({ timeout: 15000 });
    await page.locator(`#dlq tr[data-dlq-id="${id}"] .replays`).getByText('replayed ×1').waitFor({ timeout: 15000 });
    expect(await page.locator(`#dlq tr[data-dlq-id="${id}"] .when`).textContent()).toContain(when.date);
    await page.reload();
    await page.locator('#levels-panel h2').getByText('Epidemic levels').waitFor();
    expect(await page.inputValue('#lang')).toBe('en');
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('ct.lang'))).toBe('en');
    await page
      .getByTestId('weekly-text')
      .getByText(/cases? this week/)
      .waitFor({ timeout: 20000 });
    await page.selectOption('#area', '20290');
    await page
      .getByTestId('weekly-text')
      .getByText(/Phường Tân Thạnh: [1-9]\d* cases? this week/)
      .waitFor({ timeout: 20000 });

    // The contact graph through the base URL (tracing's GET /cases/:id/contacts).
    const served = (await http(base, 'GET', '/docs-json')).body.paths['/cases/{id}/contacts']?.get;
    if (served) {
      await eventually(
        'tracing to find the F1',
        async () => {
          const r = await http(base, 'GET', `/cases/${caseId}/contacts`, { role: 'tracer' });
          return r.status === 200 && r.body.nodes.length >= 2;
        },
        30000,
      );
    }
    await page.fill('#case-id', caseId);
    await page.click('#graph-form button');
    if (served) {
      await page.locator(`#graph g.node[data-person="${f1}"]`).waitFor();
      expect(await page.locator('#graph g.node').count()).toBe(2);
      expect(await page.locator('#graph line.edge').count()).toBe(1);
      expect(await page.getByTestId('graph-status').textContent()).toBe('2 people, 1 exposures');
    } else {
      await page.locator('#graph-status.error').waitFor();
    }
    // An unknown case shows the error state.
    await page.fill('#case-id', randomUUID());
    await page.click('#graph-form button');
    await page.locator('#graph-status.error').getByText('Could not load the contact graph').waitFor();
    await page.fill('#case-id', caseId);
    await page.click('#graph-form button');
    if (served) await page.locator('#graph g.node').nth(1).waitFor();

    // The weekly report is served through the same base URL (the edge routes ops' /reports/weekly.pdf).
    const report = await fetch(`${base}/reports/weekly.pdf?area=20290`, {
      headers: { authorization: `Bearer ${tokenFor('tracer')}` },
    });
    expect([report.status, report.headers.get('content-type')]).toEqual([200, 'application/pdf']);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-en.png'), fullPage: true });
    // And back to Vietnamese, the messages too.
    await page.selectOption('#lang', 'vi');
    await page.locator('#graph-panel h2').getByText('Sơ đồ tiếp xúc').waitFor();
    if (served) await page.getByTestId('graph-status').getByText('2 người, 1 lần tiếp xúc').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(externalRequests).toEqual([]);
  }, 210_000);
});
