import { Topics } from '@ct/contracts';
import { TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { ServiceClock } from '@ct/platform';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { CasesService } from '../../apps/cases/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { http, mint, startService, tap, TestService } from '../support/services';

/**
 * Screening plans (issue 18) through quarantine and cases: a plan for a market's traders puts a
 * round of SCREENING tests on the worklist every 7 days, reports coverage (tested / due / missed)
 * and yield (positives per 1,000 tests), and a positive result confirms a case (origin SCREENING)
 * through the existing path; a rolling 20 % plan tests a fifth of its group a day.
 */
describe('screening plans: rounds on the worklist, coverage, yield, positives become cases', () => {
  let cases: TestService;
  let quarantine: TestService;
  let topics: TopicTap;
  const run = randomUUID().slice(0, 8);
  const clock = new ControllableClock(new Date());
  const traders = Array.from({ length: 5 }, (_, i) => `p-${run}-trader-${i}`);
  const day = (offset: number) => new Date(Date.now() + 7 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  const staff = (method: string, path: string, body?: unknown) =>
    http(quarantine.url, method, path, { role: 'quarantine', body });

  beforeAll(async () => {
    topics = await tap([Topics.TESTING, Topics.CASES]);
    [cases, quarantine] = await Promise.all([
      startService(CasesService),
      startService(QuarantineService, {
        QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
        QUARANTINE_SCREENING_INTERVAL_SECONDS: '0',
      }),
    ]);
    quarantine.app.get(ServiceClock).use(clock);
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), quarantine?.close(), topics?.close()]);
  });

  it('refuses a plan without exactly one group and one cadence, outside the caller’s areas, or by another role', async () => {
    const base = { name: 'market', areaCode: '20290', testType: 'RAPID_ANTIGEN', endsOn: day(14) };
    const none = await staff('POST', '/screening-plans', base);
    expect(none.status).toBe(400);
    expect(none.body.details.map((d: { field: string }) => d.field)).toEqual(['personIds', 'everyDays']);
    const shape = await staff('POST', '/screening-plans', {
      ...base,
      personIds: ['bad id'],
      dailyPercent: 0,
      endsOn: 'x',
    });
    expect(shape.status).toBe(400);
    expect(shape.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'dailyPercent',
      'endsOn',
      'personIds',
    ]);
    const csv = await staff('POST', '/screening-plans', {
      ...base,
      personIdsCsv: 'personId\np-1\nnot an id\n',
      everyDays: 7,
    });
    expect(csv.body.details).toEqual([{ field: 'personIdsCsv', problems: [expect.stringContaining('lines 3 ')] }]);
    const elsewhere = mint({ subject: 'q-hoi-an', roles: ['quarantine'], areas: ['503'] });
    const scoped = await http(quarantine.url, 'POST', '/screening-plans', {
      token: elsewhere,
      body: { ...base, personIds: traders, everyDays: 7 },
    });
    expect(scoped.status).toBe(403);
    expect((await http(quarantine.url, 'POST', '/screening-plans', { role: 'tracer', body: base })).status).toBe(403);
    expect((await staff('GET', `/screening-plans/${randomUUID()}`)).status).toBe(404);
  });

  it('a market traders’ plan: a round every 7 days on the worklist, coverage and yield, a positive confirms a case', async () => {
    const created = await staff('POST', '/screening-plans', {
      name: `Chợ Tam Kỳ ${run}: tiểu thương`,
      areaCode: '20290',
      testType: 'RAPID_ANTIGEN',
      personIds: traders,
      everyDays: 7,
      endsOn: day(10),
    });
    expect(created.status).toBe(201);
    const plan = created.body;
    expect(plan).toMatchObject({ groupSize: 5, cadence: { kind: 'EVERY_N_DAYS', days: 7 }, startsOn: day(0) });
    expect(plan.rounds).toEqual([
      expect.objectContaining({ round: 0, dueOn: day(0), due: 5, tested: 0, missed: 0, yieldPer1000: null }),
    ]);

    const scheduled = await topics.waitFor(
      (m: TappedMessage) => m.topic === Topics.TESTING && JSON.parse(m.value!.toString()).screeningPlanId === plan.id,
      5,
    );
    expect(scheduled.map((m) => JSON.parse(m.value!.toString()))).toEqual(
      traders.map(() => expect.objectContaining({ purpose: 'SCREENING', quarantineId: null, dueOn: day(0) })),
    );
    const list = await staff('GET', `/tests?due=${day(0)}`);
    const mine = list.body.items.filter((i: { personId: string }) => traders.includes(i.personId));
    expect(mine).toHaveLength(5);

    const results = ['NEGATIVE', 'NEGATIVE', 'NEGATIVE', 'POSITIVE'];
    for (const [i, result] of results.entries()) {
      const t = mine.find((x: { personId: string }) => x.personId === traders[i]);
      const r = await staff('POST', `/tests/${t.testId}/result`, {
        result,
        testType: 'RAPID_ANTIGEN',
        sampleTakenAt: clock.now().toISOString(),
      });
      expect(r.status).toBe(200);
    }
    const [confirmed] = await topics.waitFor(
      (m: TappedMessage) =>
        m.topic === Topics.CASES && m.key?.toString() === traders[3] && String(m.headers?.ce_type) === 'CaseConfirmed',
    );
    expect(JSON.parse(confirmed.value!.toString())).toMatchObject({ personId: traders[3], origin: 'SCREENING' });

    const after = (await staff('GET', `/screening-plans/${plan.id}`)).body;
    expect(after.rounds[0]).toMatchObject({
      due: 5,
      tested: 4,
      positives: 1,
      missed: 0,
      coverage: 0.8,
      yieldPer1000: 250,
    });

    // The committee's figures for the area this week (GET /stats/committee).
    const stats = await http(quarantine.url, 'GET', `/stats/committee?area=20290&week=${day(0)}`, { role: 'ops' });
    expect(stats.status).toBe(200);
    expect(stats.body.areas[0]).toMatchObject({
      areaCode: '20290',
      screening: { plans: 1, due: 5, tested: 4, positives: 1, missed: 0, coverage: 0.8, yieldPer1000: 250 },
      rule: { name: expect.any(String) },
    });

    // A week later the pass makes round 1; the untested trader of round 0 is missed.
    clock.set(new Date(clock.now().getTime() + 7 * 86_400_000).toISOString());
    const pass = await http(quarantine.url, 'POST', '/screening-plans/rounds-pass', { role: 'admin' });
    expect(pass.status).toBe(200);
    expect((await http(quarantine.url, 'POST', '/screening-plans/rounds-pass', { role: 'admin' })).body.rounds).toBe(0);
    const week2 = (await staff('GET', `/screening-plans/${plan.id}`)).body;
    expect(week2.rounds.map((r: { round: number; dueOn: string }) => [r.round, r.dueOn])).toEqual([
      [0, day(0)],
      [1, day(7)],
    ]);
    expect(week2.rounds[0]).toMatchObject({ missed: 1 });
    expect(week2.totals).toMatchObject({ tested: 4, positives: 1, yieldPer1000: 250 });
  });

  it('a rolling sample of 20 % a day from an uploaded list tests a fifth of the group each round', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `p-${run}-worker-${i}`);
    const created = await staff('POST', '/screening-plans', {
      name: `KCN ${run}`,
      areaCode: '20290',
      testType: 'PCR',
      personIdsCsv: ['personId', ...ids].join('\n'),
      dailyPercent: 20,
      startsOn: day(7),
      endsOn: day(20),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ groupSize: 10, rounds: [expect.objectContaining({ round: 0, due: 2 })] });
  });
});
