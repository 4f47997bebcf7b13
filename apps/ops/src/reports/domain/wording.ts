import type { LevelFactor } from '../../surveillance/domain/level';
import { formatNumber, formatPercent, Lang } from './format';

/**
 * The weekly report's sentences, in the seeds' wording ("Tổng số ca mắc trong tuần là 320 ca, giảm
 * 34,1% so với tuần trước"): Vietnamese first, English with lang=en. Pure: figures in, text out.
 */

/** Percentage change on the previous week, one decimal; null when the previous week had none. */
export function weekChangePct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

/** "320 ca mắc trong tuần, giảm 34,1% so với tuần trước" / "320 cases this week, down 34.1% on last week". */
export function weeklyCasesPhrase(current: number, previous: number, lang: Lang): string {
  const pct = weekChangePct(current, previous);
  const n = formatNumber(current, lang);
  if (lang === 'vi') {
    const head = `${n} ca mắc trong tuần`;
    if (pct === null) return `${head}, tuần trước không có ca nào`;
    if (pct === 0) return `${head}, không đổi so với tuần trước`;
    return `${head}, ${pct < 0 ? 'giảm' : 'tăng'} ${formatPercent(Math.abs(pct), lang)} so với tuần trước`;
  }
  const head = `${n} ${current === 1 ? 'case' : 'cases'} this week`;
  if (pct === null) return `${head}, none the week before`;
  if (pct === 0) return `${head}, unchanged on last week`;
  return `${head}, ${pct < 0 ? 'down' : 'up'} ${formatPercent(Math.abs(pct), lang)} on last week`;
}

const LEVEL_NAMES: Record<Lang, Record<number, string>> = {
  vi: {
    1: 'Cấp độ 1 – nguy cơ thấp (xanh)',
    2: 'Cấp độ 2 – nguy cơ trung bình (vàng)',
    3: 'Cấp độ 3 – nguy cơ cao (cam)',
    4: 'Cấp độ 4 – nguy cơ rất cao (đỏ)',
  },
  en: {
    1: 'Level 1 – low (green)',
    2: 'Level 2 – medium (yellow)',
    3: 'Level 3 – high (orange)',
    4: 'Level 4 – very high (red)',
  },
};

export function levelName(level: number, lang: Lang): string {
  return LEVEL_NAMES[lang][level] ?? String(level);
}

/** One reason for the level, worded (Resolution 128 criteria). */
export function factorText(f: LevelFactor, lang: Lang): string {
  const pct = (n: number) => formatPercent(n, lang, Number.isInteger(n) ? 0 : 1);
  switch (f.kind) {
    case 'case_rate':
      return lang === 'vi'
        ? `${formatNumber(f.casesPer100k, lang, 1)} ca mắc mới trong cộng đồng/100.000 dân trong tuần → cấp độ ${f.level}`
        : `${formatNumber(f.casesPer100k, lang, 1)} new community cases per 100,000 people this week → level ${f.level}`;
    case 'coverage_unknown':
      return lang === 'vi'
        ? 'Chưa có số liệu tiêm chủng: không điều chỉnh cấp độ'
        : 'Vaccination coverage unknown: no adjustment';
    case 'coverage_low': {
      const parts: string[] = [];
      if (f.adultsOneDose)
        parts.push(
          lang === 'vi'
            ? `người từ 18 tuổi tiêm ít nhất 1 mũi ${pct(f.adultsOneDose.pct)} < ${pct(f.adultsOneDose.min)}`
            : `adults with one dose ${pct(f.adultsOneDose.pct)} < ${pct(f.adultsOneDose.min)}`,
        );
      if (f.over50FullyVaccinated)
        parts.push(
          lang === 'vi'
            ? `người từ 50 tuổi tiêm đủ liều ${pct(f.over50FullyVaccinated.pct)} < ${pct(f.over50FullyVaccinated.min)}`
            : `over-50s fully vaccinated ${pct(f.over50FullyVaccinated.pct)} < ${pct(f.over50FullyVaccinated.min)}`,
        );
      return lang === 'vi'
        ? `Tỷ lệ tiêm chủng thấp (${parts.join('; ')}): tăng một cấp`
        : `Coverage too low (${parts.join('; ')}): one step up`;
    }
    case 'treatment_exceeded':
      return lang === 'vi'
        ? `Giường điều trị đã sử dụng ${pct(f.occupancyPct)} > ${pct(f.maxPct)}: tăng một cấp`
        : `Treatment beds ${pct(f.occupancyPct)} occupied > ${pct(f.maxPct)}: one step up`;
  }
}
