import { AreaCatalog, Principal, ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QuarantineErrors } from '../errors';
import { addDays } from '../quarantines/domain/policy';
import { QuarantineAreas } from '../quarantines/infrastructure/quarantine-areas';
import { Cadence, coverage, yieldPer1000 } from './domain/cadence';
import { CreateScreeningPlanRequest, MAX_GROUP } from './create-plan/create-plan.request.dto';
import { ScreeningRequestStore } from './infrastructure/screening-request.store';
import { Plan, ScreeningStore } from './infrastructure/screening.store';
import { ScreeningRoundsJob } from './run-rounds/screening-rounds.job';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Screening plans (issue 18): a group (person ids, or the arrivals from some areas known here, both
 * fixed when the plan is made; or the people who checked in at some venues or venue categories,
 * asked of tracing for every round), a cadence, an area and an end; the rounds job puts each
 * round's tests on the worklist. A positive result takes the existing path (TestResultRecorded → cases confirms the
 * case, origin SCREENING).
 */
@Injectable()
export class ScreeningService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: ScreeningStore,
    private readonly requests: ScreeningRequestStore,
    private readonly rounds: ScreeningRoundsJob,
    private readonly areas: QuarantineAreas,
    private readonly catalog: AreaCatalog,
    private readonly clock: ServiceClock,
  ) {}

  async create(who: Principal, r: CreateScreeningPlanRequest) {
    const problems: { field: string; problems: string[] }[] = [];
    const bad = (field: string, problem: string) => problems.push({ field, problems: [problem] });
    const venues = r.venueIds !== undefined || r.venueCategories !== undefined;
    const groups =
      [r.personIds, r.personIdsCsv, r.arrivalsFrom].filter((g) => g !== undefined).length + (venues ? 1 : 0);
    if (groups !== 1)
      bad(
        'personIds',
        'give exactly one group: personIds, personIdsCsv, arrivalsFrom, or venueIds and/or venueCategories',
      );
    if (!venues && r.venueSinceDays !== undefined)
      bad('venueSinceDays', 'venueSinceDays needs venueIds or venueCategories');
    if ((r.everyDays === undefined) === (r.dailyPercent === undefined))
      bad('everyDays', 'give exactly one cadence: everyDays or dailyPercent');
    const startsOn = r.startsOn ?? this.rounds.today();
    if (r.endsOn < startsOn) bad('endsOn', 'endsOn must not be before startsOn');
    if (r.endsOn > addDays(startsOn, 366)) bad('endsOn', 'a plan lasts at most a year');
    const csv = r.personIdsCsv === undefined ? undefined : idsFromCsv(r.personIdsCsv);
    if (csv?.bad.length)
      bad(
        'personIdsCsv',
        `lines ${csv.bad.slice(0, 10).join(', ')} are not person ids (1 to 128 letters, digits or . _ : -)`,
      );
    if (problems.length) throw QuarantineErrors.screeningPlanInvalid(problems);
    if (!this.areas.scope(who).covers(r.areaCode)) throw QuarantineErrors.areaOutOfScope('areaCode');

    const cadence: Cadence =
      r.everyDays !== undefined
        ? { kind: 'EVERY_N_DAYS', days: r.everyDays }
        : { kind: 'DAILY_PERCENT', percent: r.dailyPercent! };
    const now = this.clock.now();
    const plan = await this.tx.run(async () => {
      if (venues) {
        const p: Plan = {
          ...this.planOf(who, r, cadence, startsOn, now),
          groupKind: 'VENUES',
          groupSpec: {
            venueIds: [...new Set(r.venueIds ?? [])],
            venueCategories: [...new Set(r.venueCategories ?? [])],
            venueSinceDays: r.venueSinceDays ?? 14,
          },
        };
        await this.store.insertPlan(p, []); // the group comes from tracing, round by round
        await this.rounds.makeRounds(p.id); // asks for the first round's group when it is due today
        return p;
      }
      const sinceDays = r.arrivalsSinceDays ?? 14;
      const members = r.arrivalsFrom
        ? await this.store.arrivalsFrom(
            r.arrivalsFrom,
            new Date(now.getTime() - sinceDays * 86_400_000),
            // Arrivals into the plan's area (and the areas below it) only: another area's arrivals are not its to test.
            this.catalog.withDescendants(r.areaCode),
          )
        : [...new Set(r.personIds ?? csv!.ids)];
      if (members.length === 0)
        throw QuarantineErrors.screeningPlanInvalid([
          { field: r.arrivalsFrom ? 'arrivalsFrom' : 'personIdsCsv', problems: ['the group has nobody in it'] },
        ]);
      if (members.length > MAX_GROUP)
        throw QuarantineErrors.screeningPlanInvalid([
          { field: 'personIdsCsv', problems: [`at most ${MAX_GROUP} people in a group`] },
        ]);
      // Tests for another area's person would be that area's (a test of no order belongs to its
      // person's area): refused as for one person (POST /test-results), unknown persons allowed.
      const outside = r.arrivalsFrom ? null : await this.areas.firstOutOfScope(who, members);
      if (outside !== null) throw QuarantineErrors.personNotFound(outside);
      const p: Plan = {
        ...this.planOf(who, r, cadence, startsOn, now),
        groupKind: r.arrivalsFrom ? 'ARRIVALS' : 'PERSONS',
        groupSpec: r.arrivalsFrom
          ? { arrivalsFrom: r.arrivalsFrom, arrivalsSinceDays: sinceDays }
          : { source: r.personIds ? 'personIds' : 'personIdsCsv' },
      };
      await this.store.insertPlan(p, members);
      await this.rounds.makeRounds(p.id); // the first round when it is due today
      return p;
    });
    return this.view(who, plan.id);
  }

  private planOf(
    who: Principal,
    r: CreateScreeningPlanRequest,
    cadence: Cadence,
    startsOn: string,
    now: Date,
  ): Omit<Plan, 'groupKind' | 'groupSpec'> {
    return {
      id: randomUUID(),
      name: r.name,
      areaCode: r.areaCode,
      testType: r.testType,
      cadence,
      startsOn,
      endsOn: r.endsOn,
      createdBy: who.subject,
      createdAt: now.toISOString(),
    };
  }

  async view(who: Principal, id: string) {
    return this.tx.run(async () => {
      const plan = await this.store.plan(id);
      if (!plan || !this.areas.scope(who).covers(plan.areaCode)) throw QuarantineErrors.screeningPlanNotFound(id);
      const counts = await this.store.counts(id, this.rounds.today());
      const sum = (k: 'due' | 'tested' | 'positives' | 'missed') => counts.reduce((n, c) => n + c[k], 0);
      const totals = { due: sum('due'), tested: sum('tested'), positives: sum('positives'), missed: sum('missed') };
      const venues = plan.groupKind === 'VENUES';
      const groups = venues ? await this.requests.roundGroups(id) : undefined;
      return {
        ...plan,
        // VENUES: everyone any round's group held so far (each round's own size is on the round).
        groupSize: (await this.store.members(id)).length,
        rounds: counts.map((c) => ({
          ...c,
          ...groups?.get(c.round),
          coverage: coverage(c),
          yieldPer1000: yieldPer1000(c.positives, c.tested),
        })),
        ...(venues ? { pendingRounds: await this.requests.pendingRequests(id) } : {}),
        totals: { ...totals, coverage: coverage(totals), yieldPer1000: yieldPer1000(totals.positives, totals.tested) },
      };
    });
  }
}

/** Person ids from an uploaded list: one a line (or comma-separated), an optional `personId` header. */
export function idsFromCsv(text: string): { ids: string[]; bad: number[] } {
  const ids: string[] = [];
  const bad: number[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      for (const cell of line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'))) {
        if (cell === '' || (i === 0 && cell === 'personId')) continue;
        if (ID.test(cell)) ids.push(cell);
        else bad.push(i + 1);
      }
    });
  return { ids, bad: [...new Set(bad)] };
}
