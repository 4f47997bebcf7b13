import { AreaCatalog, TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { LevelRulesService } from '../../levels/level-rules.service';
import { addDays, QuarantinePolicy, startOfDay } from '../../quarantines/domain/policy';
import { QUARANTINE_POLICY } from '../../quarantines/quarantines.tokens';
import { coverage, yieldPer1000 } from '../../screening/domain/cadence';

/** Monday of the local week of `day` (YYYY-MM-DD). */
export function mondayOf(day: string): string {
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

/**
 * What the committee reads per area (issue 18), for one local week: the rule by level in force,
 * screening coverage and yield (tests of plans of the area and the areas below it, due that week),
 * and arrivals into the area by the level of their origin and what was decided.
 */
@Injectable()
export class CommitteeFiguresService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly areas: AreaCatalog,
    private readonly levels: LevelRulesService,
    @Inject(QUARANTINE_POLICY) private readonly base: QuarantinePolicy,
  ) {}

  async area(code: string, day: string) {
    const weekStart = mondayOf(day);
    const weekEnd = addDays(weekStart, 6);
    const codes = this.areas.withDescendants(code);
    return this.tx.run(async (m) => {
      const level = await this.levels.levelOf(code);
      const rule = this.levels.ruleOf(level, this.base);
      const [s] = await m.query(
        `SELECT count(t.id) FILTER (WHERE t.status <> 'CANCELLED')::int AS due,
                count(t.id) FILTER (WHERE t.status = 'RECORDED')::int AS tested,
                count(t.id) FILTER (WHERE t.status = 'RECORDED' AND t.result = 'POSITIVE')::int AS positives,
                count(t.id) FILTER (WHERE t.status = 'SCHEDULED' AND t.due_on < $4::date)::int AS missed,
                count(DISTINCT p.id)::int AS plans
           FROM quarantine.screening_plans p
           JOIN quarantine.screening_tests st ON st.plan_id = p.id
           JOIN quarantine.tests t ON t.id = st.test_id
          WHERE p.area_code = ANY($1::text[]) AND t.due_on BETWEEN $2 AND $3`,
        [codes, weekStart, weekEnd, day],
      );
      const arrivals: { origin_level: number | null; action: string; n: number }[] = await m.query(
        `SELECT origin_level, action, count(*)::int AS n FROM quarantine.arrivals
          WHERE destination_area_code = ANY($1::text[]) AND arrived_at >= $2 AND arrived_at < $3
          GROUP BY origin_level, action ORDER BY origin_level NULLS LAST, action`,
        [
          codes,
          startOfDay(weekStart, this.base.utcOffsetMinutes),
          startOfDay(addDays(weekEnd, 1), this.base.utcOffsetMinutes),
        ],
      );
      const byLevel = (l: number | null) => arrivals.filter((a) => a.origin_level === l).reduce((n, a) => n + a.n, 0);
      return {
        areaCode: code,
        name: this.areas.get(code)?.name ?? null,
        weekStart,
        rule: {
          level: rule.level,
          source: rule.source,
          levelAreaCode: rule.areaCode,
          since: rule.changedAt,
          name: rule.name,
          unvaccinated: rule.policy.unvaccinated,
          protected: rule.policy.protected,
          homeQuarantine: rule.policy.homeQuarantine ?? true,
          f2Watch: rule.policy.f2Watch ?? true,
          arrivals: rule.level ? this.levels.rules.arrivals[rule.level] : null,
        },
        screening: {
          ...s,
          coverage: coverage(s),
          yieldPer1000: yieldPer1000(s.positives, s.tested),
        },
        arrivals: {
          total: arrivals.reduce((n, a) => n + a.n, 0),
          byOriginLevel: { '1': byLevel(1), '2': byLevel(2), '3': byLevel(3), '4': byLevel(4), unknown: byLevel(null) },
          byAction: Object.fromEntries(
            ['QUARANTINE', 'FOLLOW_UP', 'NONE'].map((k) => [
              k,
              arrivals.filter((a) => a.action === k).reduce((n, a) => n + a.n, 0),
            ]),
          ),
        },
      };
    });
  }
}
